using System;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;
using Loomcycle.FakeServer.Routing;

namespace Loomcycle.FakeServer.Routes;

/// <summary>Memory writes, search, embedding maintenance and the change feeds (wire contract v1 §2.9, §2.10, §3.3).</summary>
internal static class DataRoutes
{
    private static readonly string[] Scopes = { "agent", "user", "tenant" };

    /// <summary>The feeds' poll interval (the server's 250 ms).</summary>
    internal static TimeSpan FeedPoll = TimeSpan.FromMilliseconds(250);

    public static void Map(Router router)
    {
        router.Map("PUT", "/v1/_memory/scopes/{scope}/{scope_id}/keys/{key...}", SetAsync);
        router.Map("DELETE", "/v1/_memory/scopes/{scope}/{scope_id}/keys/{key...}", DeleteAsync);
        router.Map("POST", "/v1/_memory/search", SearchAsync);
        router.Map("GET", "/v1/_memory/embed_stats", EmbedStatsAsync);
        router.Map("POST", "/v1/_memory/reembed", ReembedAsync);
        router.Map("POST", "/v1/_memory/backfill_embeddings", BackfillAsync);
        router.Map("POST", "/v1/_memory/purge_stale_embeddings", PurgeAsync);
        router.Map("GET", "/v1/_memory/changes", rc => FeedAsync(rc, documents: false));
        router.Map("GET", "/v1/_document/changes", rc => FeedAsync(rc, documents: true));
    }

    private static Task? Guard(RequestContext rc, string scope)
    {
        if (!rc.StoreConfigured)
            return ErrorBodies.JsonAsync(rc.Http, 503, "store_unavailable", "store not configured; Memory admin requires a persistent store");
        if (!Scopes.Contains(scope))
            return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_scope", "scope must be one of: agent, user, tenant");
        return null;
    }

    private static string EffectiveScopeId(string scope, string scopeId) => scope == "tenant" ? "" : scopeId;

    private static Task SetAsync(RequestContext rc)
    {
        string scope = rc["scope"];
        if (Guard(rc, scope) is { } err) return err;
        string scopeId = EffectiveScopeId(scope, rc["scope_id"]);
        string key = rc["key"];
        if ((scopeId.Length == 0 && scope != "tenant") || key.Length == 0)
            return ErrorBodies.JsonAsync(rc.Http, 400, "missing_path", "scope_id and key are required");
        if (rc.Body.Length > rc.State.MemoryMaxValueBytes + 64 * 1024)
            return ErrorBodies.JsonAsync(rc.Http, 413, "memory_value_too_large", "value exceeds the memory value cap");
        GoBody body;
        try { body = GoBody.Decode(rc.Body, "http.memorySetRequest"); }
        catch (GoDecodeException e) { return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_body", "invalid request body: " + e.Message); }
        if (!body.TryGet("value", out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            return ErrorBodies.JsonAsync(rc.Http, 400, "missing_value", "value is required");
        string valueJson = value.GetRawText();
        if (Encoding.UTF8.GetByteCount(valueJson) > rc.State.MemoryMaxValueBytes)
            return ErrorBodies.JsonAsync(rc.Http, 413, "memory_value_too_large", "value exceeds the memory value cap");
        long ttl = body.Has("ttl_seconds") ? body.Int64("ttl_seconds", "int") : 0;
        bool embed = (body.Has("embed") && body.Bool("embed")) || rc.Query("embed") == "true";
        DateTimeOffset? expires = ttl > 0 ? DateTimeOffset.UtcNow.AddSeconds(ttl) : null;
        rc.State.AddMemory(scope, scopeId, key, valueJson, expires);
        rc.State.AddChange("memory.set", scope, scopeId, key);
        var answer = new JsonObject { ["scope"] = scope, ["scope_id"] = scopeId, ["key"] = key, ["embedded"] = false };
        if (embed)
        {
            if (rc.State.EmbedderConfigured)
            {
                rc.State.SetEmbedded(scope, scopeId, key, true);
                answer["embedded"] = true;
            }
            else
            {
                answer["embed_warning"] = "embedder not configured";
            }
        }
        else
        {
            rc.State.SetEmbedded(scope, scopeId, key, false);
        }
        return Responses.JsonAsync(rc.Http, 200, answer);
    }

    private static Task DeleteAsync(RequestContext rc)
    {
        string scope = rc["scope"];
        if (Guard(rc, scope) is { } err) return err;
        string scopeId = EffectiveScopeId(scope, rc["scope_id"]);
        string key = rc["key"];
        if ((scopeId.Length == 0 && scope != "tenant") || key.Length == 0)
            return ErrorBodies.JsonAsync(rc.Http, 400, "missing_path", "scope_id and key are required");
        if (rc.State.RemoveMemory(scope, scopeId, key)) rc.State.AddChange("memory.delete", scope, scopeId, key);
        return Responses.WriteAsync(rc.Http, 204, null, Array.Empty<byte>());
    }

    private static Task SearchAsync(RequestContext rc)
    {
        if (!rc.StoreConfigured)
            return ErrorBodies.JsonAsync(rc.Http, 503, "store_unavailable", "store not configured");
        GoBody body;
        try { body = GoBody.Decode(rc.Body, "http.memorySearchRequest"); }
        catch (GoDecodeException e) { return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_body", "invalid request body: " + e.Message); }
        string query = body.String("query") ?? "";
        string scope = body.String("scope") ?? "";
        string scopeId = body.String("scope_id") ?? "";
        if (query.Trim().Length == 0) return ErrorBodies.JsonAsync(rc.Http, 400, "missing_query", "query is required");
        if (!Scopes.Contains(scope)) return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_scope", "scope must be one of: agent, user, tenant");
        if (scope != "tenant" && scopeId.Length == 0) return ErrorBodies.JsonAsync(rc.Http, 400, "missing_scope_id", "scope_id is required for this scope");
        if (!rc.State.EmbedderConfigured) return ErrorBodies.JsonAsync(rc.Http, 400, "search_unavailable", "semantic search unavailable: no embedder configured");
        scopeId = EffectiveScopeId(scope, scopeId);
        int top = body.Has("top_k") ? (int)body.Int64("top_k", "int") : 10;
        if (top <= 0) top = 10;
        if (top > 50) top = 50;
        string[] words = query.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var scored = rc.State.Memory
            .Where(m => m.Scope == scope && m.ScopeId == scopeId && !m.IsExpired(DateTimeOffset.UtcNow) && rc.State.IsEmbedded(m.Scope, m.ScopeId, m.Key))
            .Select(m => (m, score: words.Count(w => (m.Key + " " + m.ValueJson).ToLowerInvariant().Contains(w)) / (double)words.Length))
            .Where(x => x.score > 0)
            .OrderByDescending(x => x.score).ThenBy(x => x.m.Key, StringComparer.Ordinal)
            .ToList();
        var entries = new JsonArray();
        foreach (var (m, score) in scored.Take(top))
        {
            entries.Add(new JsonObject
            {
                ["key"] = m.Key,
                ["value"] = GoJson.Raw(m.ValueJson),
                ["score"] = score,
                ["rank_score"] = score,
                ["embedded_with"] = new JsonObject { ["provider"] = "fake", ["model"] = "fake-embed-1" },
                ["kind"] = "fact",
            });
        }
        return Responses.JsonAsync(rc.Http, 200, new JsonObject
        {
            ["scope"] = scope, ["scope_id"] = scopeId, ["entries"] = entries, ["query_embedding_dim"] = 8, ["truncated"] = scored.Count > top,
        });
    }

    private static Task EmbedStatsAsync(RequestContext rc)
    {
        string scope = rc.Query("scope");
        if (Guard(rc, scope) is { } err) return err;
        int rows = rc.State.Memory.Count(m => m.Scope == scope && rc.State.IsEmbedded(m.Scope, m.ScopeId, m.Key));
        var models = new JsonArray();
        if (rows > 0) models.Add(new JsonObject { ["provider"] = "fake", ["model"] = "fake-embed-1", ["dimension"] = 8, ["row_count"] = rows });
        return Responses.JsonAsync(rc.Http, 200, new JsonObject
        {
            ["scope"] = scope, ["tenant"] = rc.Query("tenant"), ["models"] = models, ["total_embedding_bytes"] = rows * 32,
        });
    }

    private static (Task? error, string scope, string scopeId, bool dryRun, int limit, string prefix) Maintenance(RequestContext rc, int defaultLimit)
    {
        string scope = rc.Query("scope");
        string scopeId = rc.Query("scope_id");
        Task? err = Guard(rc, scope);
        if (err is null && scope != "tenant" && scopeId.Length == 0)
            err = ErrorBodies.JsonAsync(rc.Http, 400, "missing_scope_id", "scope_id is required for this scope");
        string dry = rc.Query("dry_run");
        bool dryRun = !(dry == "false" || dry == "0");
        int limit = int.TryParse(rc.Query("limit"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : defaultLimit;
        return (err, scope, EffectiveScopeId(scope, scopeId), dryRun, limit, rc.Query("prefix"));
    }

    private static JsonObject Embedder() => new() { ["provider"] = "fake", ["model"] = "fake-embed-1", ["dimension"] = 8 };

    private static Task ReembedAsync(RequestContext rc)
    {
        var (err, scope, scopeId, dryRun, limit, _) = Maintenance(rc, 1000);
        if (err is not null) return err;
        if (!rc.State.EmbedderConfigured) return ErrorBodies.JsonAsync(rc.Http, 503, "embedder_not_configured", "no embedder configured");
        var rows = rc.State.Memory.Where(m => m.Scope == scope && m.ScopeId == scopeId).OrderBy(m => m.Key, StringComparer.Ordinal).ToList();
        var answer = new JsonObject { ["scope"] = scope, ["scope_id"] = scopeId, ["dry_run"] = dryRun };
        if (dryRun)
        {
            answer["rows_total"] = rows.Count;
            answer["rows_to_reembed"] = Math.Min(rows.Count, limit);
            answer["current_embedder"] = Embedder();
            answer["sample_keys"] = GoJson.StringArray(rows.Take(10).Select(m => m.Key));
            answer["sample_keys_capped"] = rows.Count > 10;
        }
        else
        {
            foreach (var m in rows.Take(limit)) rc.State.SetEmbedded(m.Scope, m.ScopeId, m.Key, true);
            answer["rows_reembedded"] = Math.Min(rows.Count, limit);
            answer["rows_failed"] = 0;
            answer["current_embedder"] = Embedder();
        }
        return Responses.JsonAsync(rc.Http, 200, answer);
    }

    private static Task BackfillAsync(RequestContext rc)
    {
        var (err, scope, scopeId, dryRun, limit, prefix) = Maintenance(rc, 200);
        if (err is not null) return err;
        if (!rc.State.EmbedderConfigured) return ErrorBodies.JsonAsync(rc.Http, 503, "embedder_not_configured", "no embedder configured");
        var candidates = rc.State.Memory
            .Where(m => m.Scope == scope && m.ScopeId == scopeId && m.Key.StartsWith(prefix, StringComparison.Ordinal) && !rc.State.IsEmbedded(m.Scope, m.ScopeId, m.Key))
            .OrderBy(m => m.Key, StringComparer.Ordinal).ToList();
        var batch = candidates.Take(limit).ToList();
        var answer = new JsonObject { ["scope"] = scope, ["scope_id"] = scopeId, ["dry_run"] = dryRun, ["candidates"] = batch.Count };
        if (prefix.Length > 0) answer["prefix"] = prefix;
        if (dryRun)
        {
            answer["sample_keys"] = GoJson.StringArray(batch.Take(10).Select(m => m.Key));
        }
        else
        {
            foreach (var m in batch) rc.State.SetEmbedded(m.Scope, m.ScopeId, m.Key, true);
            if (batch.Count > 0) answer["embedded"] = batch.Count;
        }
        if (candidates.Count > limit) answer["more"] = true;
        answer["current_embedder"] = Embedder();
        answer["notes"] = new JsonArray();
        return Responses.JsonAsync(rc.Http, 200, answer);
    }

    private static Task PurgeAsync(RequestContext rc)
    {
        var (err, scope, scopeId, dryRun, limit, prefix) = Maintenance(rc, 500);
        if (err is not null) return err;
        // Index entries whose row has no text: rows whose value is "" or null.
        var stale = rc.State.Memory
            .Where(m => m.Scope == scope && m.ScopeId == scopeId && m.Key.StartsWith(prefix, StringComparison.Ordinal) && rc.State.IsEmbedded(m.Scope, m.ScopeId, m.Key) && m.ValueJson is "\"\"" or "null")
            .Take(limit).ToList();
        if (!dryRun) foreach (var m in stale) rc.State.SetEmbedded(m.Scope, m.ScopeId, m.Key, false);
        var answer = new JsonObject
        {
            ["scope"] = scope, ["scope_id"] = scopeId, ["dry_run"] = dryRun,
            ["scanned"] = rc.State.Memory.Count(m => m.Scope == scope && m.ScopeId == scopeId),
            ["stale"] = stale.Count, ["purged"] = dryRun ? 0 : stale.Count, ["truncated"] = false,
            ["notes"] = new JsonArray(),
        };
        if (prefix.Length > 0) answer["prefix"] = prefix;
        if (stale.Count > 0) answer["sample_keys"] = GoJson.StringArray(stale.Take(10).Select(m => m.Key));
        return Responses.JsonAsync(rc.Http, 200, answer);
    }

    /// <summary>The change feed: a feed frame, then change frames polled every 250 ms in pages of 500, until the client goes.</summary>
    private static async Task FeedAsync(RequestContext rc, bool documents)
    {
        if (!rc.StoreConfigured)
        {
            await ErrorBodies.PlainAsync(rc.Http, 503, "change feed requires a persistence backend");
            return;
        }
        long since = long.TryParse(rc.Query("since"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long s) && s >= 0 ? s : 0;
        CancellationToken token = rc.Http.RequestAborted;
        await using var sse = new SseWriter(rc.Http, token, rc.Options.KeepaliveInterval);
        try
        {
            await sse.StartAsync();
            var feed = new JsonObject
            {
                ["enabled"] = rc.State.ChangeCaptureEnabled,
                ["since"] = since,
                ["embedder"] = rc.State.EmbedderConfigured
                    ? new JsonObject { ["state"] = "ok", ["provider"] = "fake", ["model"] = "fake-embed-1", ["calls"] = 0, ["failures"] = 0 }
                    : new JsonObject { ["state"] = "absent", ["calls"] = 0, ["failures"] = 0 },
            };
            await sse.WriteFrameAsync("feed", GoJson.Serialize(feed));
            long cursor = since;
            while (!token.IsCancellationRequested)
            {
                // One cursor over both families, as the server's: only the frame's seq is a resume point.
                foreach (ChangeRecord c in rc.State.ChangesAfter(cursor, 500))
                {
                    cursor = c.Seq;
                    if (c.Type.StartsWith("document.", StringComparison.Ordinal) != documents) continue;
                    var frame = new JsonObject { ["seq"] = c.Seq, ["type"] = c.Type, ["scope"] = c.Scope, ["scope_id"] = c.ScopeId };
                    if (c.Key is not null) frame["key"] = c.Key;
                    if (c.ChunkId is not null) frame["chunk_id"] = c.ChunkId;
                    frame["at"] = GoJson.Time(c.At);
                    await sse.WriteFrameAsync("change", GoJson.Serialize(frame));
                }
                await Task.Delay(FeedPoll, token);
            }
        }
        catch (OperationCanceledException) { }
        catch (System.IO.IOException) { }
    }
}
