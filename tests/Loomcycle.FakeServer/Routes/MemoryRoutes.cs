using System;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;
using Loomcycle.FakeServer.Routing;

namespace Loomcycle.FakeServer.Routes;

/// <summary>Read-only memory admin (spec §11). Keys may contain '/', sent raw or as %2F.</summary>
internal static class MemoryRoutes
{
    public static void Map(Router router)
    {
        router.Map("GET", "/v1/_memory/scopes", ListScopesAsync);
        router.Map("GET", "/v1/_memory/scopes/{scope}", ListScopeIdsAsync);
        router.Map("GET", "/v1/_memory/scopes/{scope}/{scope_id}/keys", ListEntriesAsync);
        router.Map("GET", "/v1/_memory/scopes/{scope}/{scope_id}/keys/{key...}", GetEntryAsync);
    }

    private static string[] Scopes(bool newServer) => newServer ? new[] { "agent", "user", "tenant" } : new[] { "agent", "user" };

    private static Task? Guard(RequestContext rc, string scope)
    {
        if (!rc.StoreConfigured)
            return ErrorBodies.JsonAsync(rc.Http, 503, "store_unavailable", "store not configured; Memory admin requires a persistent store");
        if (!Scopes(rc.NewServer).Contains(scope))
            return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_scope", "scope must be one of: " + string.Join(", ", Scopes(rc.NewServer)));
        return null;
    }

    /// <summary>NEW's tenant scope drops the placeholder scope_id.</summary>
    private static string EffectiveScopeId(string scope, string scopeId) => scope == "tenant" ? "" : scopeId;

    private static JsonObject Entry(MemoryEntry m) => new()
    {
        ["key"] = m.Key,
        ["value"] = GoJson.Raw(m.ValueJson),
        ["expires_at"] = GoJson.Time(m.ExpiresAt),
        ["created_at"] = GoJson.Time(m.CreatedAt),
        ["updated_at"] = GoJson.Time(m.UpdatedAt),
    };

    private static Task ListScopesAsync(RequestContext rc)
    {
        var scopes = new JsonArray
        {
            new JsonObject { ["name"] = "agent", ["description"] = "Memory private to one agent (scope_id is the agent name)" },
            new JsonObject { ["name"] = "user", ["description"] = "Memory shared by every agent acting for one user (scope_id is the user_id)" },
        };
        if (rc.NewServer)
            scopes.Add(new JsonObject { ["name"] = "tenant", ["description"] = "Memory shared across the tenant (scope_id is ignored)" });
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["scopes"] = scopes });
    }

    private static Task ListScopeIdsAsync(RequestContext rc)
    {
        string scope = rc["scope"];
        if (Guard(rc, scope) is { } err) return err;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var ids = new JsonArray();
        foreach (var g in rc.State.Memory.Where(m => m.Scope == scope && !m.IsExpired(now))
                     .GroupBy(m => m.ScopeId, StringComparer.Ordinal)
                     .Select(g => new { ScopeId = g.Key, Count = g.Count(), Bytes = g.Sum(m => (long)Encoding.UTF8.GetByteCount(m.ValueJson)), Updated = g.Max(m => m.UpdatedAt) })
                     .OrderByDescending(g => g.Updated)
                     .Take(200))
        {
            ids.Add(new JsonObject { ["scope_id"] = g.ScopeId, ["key_count"] = g.Count, ["bytes"] = g.Bytes, ["updated_at"] = GoJson.Time(g.Updated) });
        }
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["scope"] = scope, ["scope_ids"] = ids });
    }

    private static Task ListEntriesAsync(RequestContext rc)
    {
        string scope = rc["scope"];
        if (Guard(rc, scope) is { } err) return err;
        string scopeId = EffectiveScopeId(scope, rc["scope_id"]);
        if (scopeId.Length == 0 && scope != "tenant")
            return ErrorBodies.JsonAsync(rc.Http, 400, "missing_scope_id", "scope_id is required");
        string prefix = rc.Query("prefix");
        int limit = int.TryParse(rc.Query("limit"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 200;
        if (limit > 1000) limit = 1000;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var rows = rc.State.Memory
            .Where(m => m.Scope == scope && m.ScopeId == scopeId && !m.IsExpired(now) && m.Key.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(m => m.Key, StringComparer.Ordinal)
            .Take(limit + 1)
            .ToList();
        bool truncated = rows.Count > limit;
        var entries = new JsonArray();
        foreach (MemoryEntry m in rows.Take(limit)) entries.Add(Entry(m));
        return Responses.JsonAsync(rc.Http, 200, new JsonObject
        {
            ["scope"] = scope,
            ["scope_id"] = scopeId,
            ["entries"] = entries,
            ["truncated"] = truncated,
        });
    }

    private static Task GetEntryAsync(RequestContext rc)
    {
        string scope = rc["scope"];
        if (Guard(rc, scope) is { } err) return err;
        string scopeId = EffectiveScopeId(scope, rc["scope_id"]);
        string key = rc["key"];
        if ((scopeId.Length == 0 && scope != "tenant") || key.Length == 0)
            return ErrorBodies.JsonAsync(rc.Http, 400, "missing_path", "scope_id and key are required");
        MemoryEntry? m = rc.State.FindMemory(scope, scopeId, key);
        if (m is null || m.IsExpired(DateTimeOffset.UtcNow))
            return ErrorBodies.JsonAsync(rc.Http, 404, "not_found", $"no entry at {scope}/{scopeId}/{key}");
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["scope"] = scope, ["scope_id"] = scopeId, ["entry"] = Entry(m) });
    }
}
