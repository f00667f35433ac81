using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;
using Loomcycle.FakeServer.Routing;

namespace Loomcycle.FakeServer.Routes;

/// <summary>
/// Channels (wire contract v1 §2.11): CRUD, publish, subscribe (long-poll, auto-commit), peek, ack (monotonic), await,
/// broadcast, and the per-user routes. Validation failures answer 500 channel_op_failed, as the server's
/// writeChannelError default branch does.
/// </summary>
internal static class ChannelRoutes
{
    private static readonly Regex ValidName = new("^[A-Za-z0-9_-]{1,128}$");
    private static readonly Regex ValidIdent = new("^[A-Za-z0-9_-]{1,128}$");

    public static void Map(Router router)
    {
        router.Map("POST", "/v1/_channels/_await", AwaitAsync);
        router.Map("POST", "/v1/_channels/_broadcast", BroadcastAsync);
        router.Map("GET", "/v1/_channels", ListAsync);
        router.Map("POST", "/v1/_channels", CreateAsync);
        router.Map("PATCH", "/v1/_channels/{name}", UpdateAsync);
        router.Map("DELETE", "/v1/_channels/{name}", DeleteAsync);
        router.Map("POST", "/v1/_channels/{name}/purge", PurgeAsync);
        router.Map("POST", "/v1/_channels/{name}/publish", rc => PublishAsync(rc, "global"));
        router.Map("POST", "/v1/_channels/{name}/subscribe", rc => SubscribeAsync(rc, "global"));
        router.Map("GET", "/v1/_channels/{name}/peek", rc => PeekAsync(rc, "global"));
        router.Map("POST", "/v1/_channels/{name}/ack", rc => AckAsync(rc, "global"));
        router.Map("POST", "/v1/users/{user_id}/channels/{name}/publish", rc => UserAsync(rc, PublishAsync));
        router.Map("POST", "/v1/users/{user_id}/channels/{name}/subscribe", rc => UserAsync(rc, SubscribeAsync));
        router.Map("GET", "/v1/users/{user_id}/channels/{name}/peek", rc => UserAsync(rc, PeekAsync));
        router.Map("POST", "/v1/users/{user_id}/channels/{name}/ack", rc => UserAsync(rc, AckAsync));
    }

    private static Task OpFailed(RequestContext rc, string message) => ErrorBodies.JsonAsync(rc.Http, 500, "channel_op_failed", message);

    private static Task UserAsync(RequestContext rc, Func<RequestContext, string, Task> op)
    {
        string user = rc["user_id"];
        if (!ValidIdent.IsMatch(user)) return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_user_id", "invalid user_id");
        return op(rc, "user\n" + user);
    }

    private static JsonObject Descriptor(FakeState state, ChannelRecord c)
    {
        var msgs = state.ChannelMessages.Where(m => m.Channel == c.Name).ToList();
        var o = new JsonObject { ["name"] = c.Name };
        if (c.Description.Length > 0) o["description"] = c.Description;
        o["scope"] = c.Scope;
        o["semantic"] = c.Semantic;
        if (c.Publisher.Length > 0) o["publisher"] = c.Publisher;
        if (c.Period.Length > 0) o["period"] = c.Period;
        if (c.DefaultTtl > 0) o["default_ttl"] = c.DefaultTtl;
        if (c.MaxMessages > 0) o["max_messages"] = c.MaxMessages;
        o["message_count"] = msgs.Count;
        if (msgs.Count > 0)
        {
            o["oldest_visible_at"] = GoJson.Time(FromNanos(msgs.Min(m => m.VisibleNanos)));
            o["newest_visible_at"] = GoJson.Time(FromNanos(msgs.Max(m => m.VisibleNanos)));
        }
        o["source"] = c.Source;
        return o;
    }

    private static DateTimeOffset FromNanos(long nanos) => DateTimeOffset.UnixEpoch.AddTicks(nanos / 100);

    private static string Nano(long nanos)
    {
        // RFC3339Nano with every nanosecond digit the server keeps (trailing zeros trimmed).
        DateTimeOffset at = DateTimeOffset.FromUnixTimeSeconds(nanos / 1_000_000_000);
        string basePart = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        long frac = nanos % 1_000_000_000;
        return frac == 0 ? basePart + "Z" : basePart + "." + frac.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0') + "Z";
    }

    private static Task ListAsync(RequestContext rc)
    {
        var list = new JsonArray();
        foreach (ChannelRecord c in rc.State.Channels) list.Add(Descriptor(rc.State, c));
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["channels"] = list });
    }

    private static Task CreateAsync(RequestContext rc)
    {
        GoBody b;
        try { b = GoBody.Decode(rc.Body, "connector.ChannelCreateRequest"); }
        catch (GoDecodeException e) { return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_body", "invalid request body: " + e.Message); }
        string name = b.String("name") ?? "";
        if (!ValidName.IsMatch(name)) return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_request", $"create: invalid channel name {GoJson.Quote(name)}");
        string scope = b.String("scope") ?? "global";
        if (scope.Length == 0) scope = "global";
        if (scope is not ("global" or "tenant" or "user" or "agent")) return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_request", $"create: invalid scope {GoJson.Quote(scope)}");
        string semantic = b.String("semantic") ?? "queue";
        if (semantic.Length == 0) semantic = "queue";
        if (semantic is not ("queue" or "topic")) return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_request", $"create: invalid semantic {GoJson.Quote(semantic)}");
        ChannelRecord? existing = rc.State.FindChannel(name);
        if (existing is not null)
            return existing.Source == "yaml"
                ? ErrorBodies.JsonAsync(rc.Http, 409, "channel_yaml_immutable", $"channel {GoJson.Quote(name)} is declared in yaml and is immutable")
                : ErrorBodies.JsonAsync(rc.Http, 409, "channel_name_in_use", $"channel {GoJson.Quote(name)} already exists");
        ChannelRecord c = rc.State.AddChannel(name, "runtime", scope, semantic);
        c.Description = b.String("description") ?? "";
        c.DefaultTtl = b.Has("default_ttl") ? (int)b.Int64("default_ttl", "int") : 0;
        c.MaxMessages = b.Has("max_messages") ? (int)b.Int64("max_messages", "int") : 0;
        c.Publisher = b.String("publisher") ?? "";
        c.Period = b.String("period") ?? "";
        return Responses.JsonAsync(rc.Http, 201, Descriptor(rc.State, c));
    }

    private static Task? Mutable(RequestContext rc, string name, out ChannelRecord? channel)
    {
        channel = rc.State.FindChannel(name);
        if (channel is null) return ErrorBodies.JsonAsync(rc.Http, 404, "channel_not_found", $"channel {GoJson.Quote(name)} not found");
        if (channel.Source == "yaml") return ErrorBodies.JsonAsync(rc.Http, 409, "channel_yaml_immutable", $"channel {GoJson.Quote(name)} is declared in yaml and is immutable");
        return null;
    }

    private static Task UpdateAsync(RequestContext rc)
    {
        GoBody? b = null;
        if (rc.Body.Length > 0)
        {
            try { b = GoBody.Decode(rc.Body, "connector.ChannelUpdateRequest"); }
            catch (GoDecodeException e) { return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_body", "invalid request body: " + e.Message); }
        }
        if (Mutable(rc, rc["name"], out ChannelRecord? c) is { } err) return err;
        if (b is not null)
        {
            if (b.String("semantic") is { } sem)
            {
                if (sem is not ("queue" or "topic")) return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_request", $"update: invalid semantic {GoJson.Quote(sem)}");
                c!.Semantic = sem;
            }
            if (b.String("description") is { } d) c!.Description = d;
            if (b.Has("default_ttl")) c!.DefaultTtl = (int)b.Int64("default_ttl", "int");
            if (b.Has("max_messages")) c!.MaxMessages = (int)b.Int64("max_messages", "int");
        }
        return Responses.JsonAsync(rc.Http, 200, Descriptor(rc.State, c!));
    }

    private static Task DeleteAsync(RequestContext rc)
    {
        if (Mutable(rc, rc["name"], out _) is { } err) return err;
        rc.State.RemoveChannel(rc["name"]);
        return Responses.WriteAsync(rc.Http, 204, null, Array.Empty<byte>());
    }

    private static Task PurgeAsync(RequestContext rc)
    {
        string name = rc["name"];
        if (rc.State.FindChannel(name) is null) return ErrorBodies.JsonAsync(rc.Http, 404, "channel_not_found", $"channel {GoJson.Quote(name)} not found");
        int purged = rc.State.Purge(name);
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["name"] = name, ["purged"] = purged });
    }

    private static Task? Declared(RequestContext rc, string name) =>
        rc.State.FindChannel(name) is null
            ? ErrorBodies.JsonAsync(rc.Http, 404, "channel_not_declared", $"channel {GoJson.Quote(name)} is not declared")
            : null;

    /// <summary>Validates a payload the way the connector does; returns the error text or null.</summary>
    private static string? PayloadProblem(RequestContext rc, GoBody b, out string payload, out DateTimeOffset? deliverAt)
    {
        payload = "";
        deliverAt = null;
        if (!b.TryGet("payload", out JsonElement p) || p.ValueKind == JsonValueKind.Null) return "publish: missing required field: payload";
        payload = Encoding.UTF8.GetString(GoJson.Compact(Encoding.UTF8.GetBytes(p.GetRawText())));
        if (Encoding.UTF8.GetByteCount(payload) > rc.State.ChannelMaxPayloadBytes) return $"publish: payload exceeds {rc.State.ChannelMaxPayloadBytes} bytes";
        string at = b.String("deliver_at") ?? "";
        if (at.Length > 0)
        {
            if (!DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset when))
                return $"publish: invalid deliver_at {GoJson.Quote(at)}";
            deliverAt = when;
        }
        return null;
    }

    private static JsonObject PublishAnswer(ChannelMessageRecord m)
    {
        var o = new JsonObject { ["msg_id"] = m.Id, ["channel"] = m.Channel, ["created_at"] = Nano(m.PublishedNanos) };
        if (m.VisibleNanos != m.PublishedNanos) o["visible_at"] = Nano(m.VisibleNanos);
        return o;
    }

    private static Task PublishAsync(RequestContext rc, string scopeKey)
    {
        GoBody b;
        try { b = GoBody.Decode(rc.Body, "http.channelPublishBody"); }
        catch (GoDecodeException e) { return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_body", "invalid request body: " + e.Message); }
        string name = rc["name"];
        if (Declared(rc, name) is { } err) return err;
        if (PayloadProblem(rc, b, out string payload, out DateTimeOffset? deliverAt) is { } problem) return OpFailed(rc, problem);
        ChannelMessageRecord m = rc.State.PublishChannel(name, scopeKey, payload, deliverAt);
        return Responses.JsonAsync(rc.Http, 200, PublishAnswer(m));
    }

    private static JsonArray Messages(IEnumerable<ChannelMessageRecord> messages)
    {
        var list = new JsonArray();
        foreach (ChannelMessageRecord m in messages)
            list.Add(new JsonObject { ["id"] = m.Id, ["value"] = GoJson.Raw(m.PayloadJson), ["published_at"] = Nano(m.PublishedNanos) });
        return list;
    }

    private static int Limit(long requested) => requested <= 0 ? 10 : (int)Math.Min(100, requested);

    /// <summary>Waits for a publish, up to the capped wait; false on timeout.</summary>
    private static async Task<bool> WaitForPublishAsync(RequestContext rc, Task publish, long waitMs)
    {
        if (waitMs <= 0 || rc.State.ChannelLongPollCap <= TimeSpan.Zero) return false;
        TimeSpan wait = TimeSpan.FromMilliseconds(Math.Min(waitMs, rc.State.ChannelLongPollCap.TotalMilliseconds));
        try
        {
            await publish.WaitAsync(wait, rc.Http.RequestAborted);
            return true;
        }
        catch (TimeoutException) { return false; }
    }

    private static async Task SubscribeAsync(RequestContext rc, string scopeKey)
    {
        GoBody? b = null;
        if (!GoBody.IsEmpty(rc.Body))
        {
            try { b = GoBody.Decode(rc.Body, "http.channelSubscribeBody"); }
            catch (GoDecodeException e) { await ErrorBodies.JsonAsync(rc.Http, 400, "invalid_body", "invalid request body: " + e.Message); return; }
        }
        string name = rc["name"];
        if (Declared(rc, name) is { } err) { await err; return; }
        int limit = Limit(b is not null && b.Has("max_messages") ? b.Int64("max_messages", "int") : 0);
        string from = b?.String("from_cursor") ?? "";
        if (from.Length == 0) from = rc.State.CommittedCursor(name, scopeKey);
        long waitMs = b is not null && b.Has("wait_ms") ? b.Int64("wait_ms", "int") : 0;
        Task pulse = rc.State.NextChannelPublish; // taken before reading, so a publish in between is not missed
        var msgs = rc.State.ReadChannel(name, scopeKey, from, limit);
        var deadline = DateTimeOffset.UtcNow.AddMilliseconds(Math.Min(waitMs, rc.State.ChannelLongPollCap.TotalMilliseconds));
        while (msgs.Count == 0 && DateTimeOffset.UtcNow < deadline)
        {
            if (!await WaitForPublishAsync(rc, pulse, (long)(deadline - DateTimeOffset.UtcNow).TotalMilliseconds)) break;
            pulse = rc.State.NextChannelPublish;
            msgs = rc.State.ReadChannel(name, scopeKey, from, limit);
        }
        string next = msgs.Count > 0 ? msgs[^1].Cursor : from;
        if (msgs.Count > 0) rc.State.Ack(name, scopeKey, next);
        await Responses.JsonAsync(rc.Http, 200, new JsonObject { ["channel"] = name, ["messages"] = Messages(msgs), ["next_cursor"] = next });
    }

    private static Task PeekAsync(RequestContext rc, string scopeKey)
    {
        string name = rc["name"];
        if (Declared(rc, name) is { } err) return err;
        int limit = Limit(long.TryParse(rc.Query("max_messages"), out long n) ? n : 0);
        var msgs = rc.State.ReadChannel(name, scopeKey, rc.Query("from_cursor"), limit);
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["channel"] = name, ["messages"] = Messages(msgs) });
    }

    private static Task AckAsync(RequestContext rc, string scopeKey)
    {
        GoBody b;
        try { b = GoBody.Decode(rc.Body, "http.channelAckBody"); }
        catch (GoDecodeException e) { return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_body", "invalid request body: " + e.Message); }
        string name = rc["name"];
        string cursor = b.String("cursor") ?? "";
        if (cursor.Length == 0) return OpFailed(rc, "ack: missing required field: cursor");
        if (Declared(rc, name) is { } err) return err;
        if (!rc.State.Ack(name, scopeKey, cursor))
            return ErrorBodies.JsonAsync(rc.Http, 409, "channel_cursor_regression", "connector: channel cursor regression: ack cursor is older than the committed cursor");
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["ok"] = true });
    }

    private static string? ScopeKey(GoBody b, out string? problem)
    {
        problem = null;
        string scope = b.String("scope") ?? "";
        string scopeId = b.String("scope_id") ?? "";
        switch (scope)
        {
            case "":
            case "global":
                return "global";
            case "user":
                if (scopeId.Length == 0) { problem = "scope user requires scope_id"; return null; }
                return "user\n" + scopeId;
            case "tenant":
                return "tenant";
            default:
                problem = $"invalid scope {GoJson.Quote(scope)}";
                return null;
        }
    }

    private static async Task AwaitAsync(RequestContext rc)
    {
        GoBody b;
        try { b = GoBody.Decode(rc.Body, "connector.ChannelAwaitRequest"); }
        catch (GoDecodeException e) { await ErrorBodies.JsonAsync(rc.Http, 400, "invalid_body", "invalid request body: " + e.Message); return; }
        string[] channels = b.StringArray("channels") ?? Array.Empty<string>();
        if (channels.Length == 0) { await OpFailed(rc, "await: missing required field: channels"); return; }
        if (channels.Length > 32) { await OpFailed(rc, $"await: too many channels ({channels.Length} > max 32)"); return; }
        string mode = b.String("mode") ?? "";
        if (mode.Length == 0) mode = "any";
        if (mode is not ("any" or "all" or "at_least")) { await OpFailed(rc, $"await: unknown mode {GoJson.Quote(mode)} (must be one of: any, all, at_least)"); return; }
        long n = b.Has("n") ? b.Int64("n", "int") : 0;
        if (mode == "at_least" && n <= 0) { await OpFailed(rc, "await: mode=at_least requires n > 0"); return; }
        string? scopeKey = ScopeKey(b, out string? scopeProblem);
        if (scopeKey is null) { await ErrorBodies.JsonAsync(rc.Http, 400, "channel_scope_invalid", "connector: channel scope invalid: " + scopeProblem); return; }
        int limit = Limit(b.Has("max_messages") ? b.Int64("max_messages", "int") : 0);
        string fromCursor = b.String("from_cursor") ?? "";
        long waitMs = b.Has("wait_ms") ? b.Int64("wait_ms", "int") : 0;
        var names = channels.Distinct(StringComparer.Ordinal).ToList();
        foreach (string name in names)
            if (Declared(rc, name) is { } err) { await err; return; }
        var from = names.ToDictionary(x => x, x => fromCursor.Length > 0 ? fromCursor : rc.State.CommittedCursor(x, scopeKey));
        Dictionary<string, List<ChannelMessageRecord>> Read() => names.ToDictionary(x => x, x => rc.State.ReadChannel(x, scopeKey, from[x], limit));
        bool Satisfied(Dictionary<string, List<ChannelMessageRecord>> r) => mode switch
        {
            "any" => r.Values.Any(v => v.Count > 0),
            "all" => r.Values.All(v => v.Count > 0),
            _ => r.Values.Sum(v => v.Count) >= n,
        };
        Task pulse = rc.State.NextChannelPublish;
        var results = Read();
        bool timedOut = false;
        var deadline = DateTimeOffset.UtcNow.AddMilliseconds(Math.Min(waitMs, rc.State.ChannelLongPollCap.TotalMilliseconds));
        if (!Satisfied(results))
        {
            timedOut = true;
            while (DateTimeOffset.UtcNow < deadline)
            {
                if (!await WaitForPublishAsync(rc, pulse, (long)(deadline - DateTimeOffset.UtcNow).TotalMilliseconds)) break;
                pulse = rc.State.NextChannelPublish;
                results = Read();
                if (Satisfied(results)) { timedOut = false; break; }
            }
        }
        var map = new JsonObject();
        var fired = new JsonArray();
        int total = 0;
        foreach (string name in names)
        {
            var msgs = results[name];
            if (msgs.Count > 0) fired.Add(name);
            total += msgs.Count;
            map[name] = new JsonObject { ["messages"] = Messages(msgs), ["next_cursor"] = msgs.Count > 0 ? msgs[^1].Cursor : from[name] };
        }
        await Responses.JsonAsync(rc.Http, 200, new JsonObject
        {
            ["satisfied"] = Satisfied(results), ["timed_out"] = timedOut, ["mode"] = mode, ["fired"] = fired, ["total_messages"] = total, ["results"] = map,
        });
    }

    private static Task BroadcastAsync(RequestContext rc)
    {
        GoBody b;
        try { b = GoBody.Decode(rc.Body, "connector.ChannelBroadcastRequest"); }
        catch (GoDecodeException e) { return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_body", "invalid request body: " + e.Message); }
        string[] channels = b.StringArray("channels") ?? Array.Empty<string>();
        if (channels.Length == 0) return OpFailed(rc, "broadcast: missing required field: channels");
        if (channels.Length > 32) return OpFailed(rc, $"broadcast: too many channels ({channels.Length} > max 32)");
        string? scopeKey = ScopeKey(b, out string? scopeProblem);
        if (scopeKey is null) return ErrorBodies.JsonAsync(rc.Http, 400, "channel_scope_invalid", "connector: channel scope invalid: " + scopeProblem);
        if (PayloadProblem(rc, b, out string payload, out DateTimeOffset? deliverAt) is { } problem) return OpFailed(rc, problem.Replace("publish:", "broadcast:"));
        // Atomic pre-flight: every channel must be declared before any is published to.
        foreach (string name in channels)
            if (Declared(rc, name) is { } err) return err;
        var results = new JsonArray();
        foreach (string name in channels)
            results.Add(PublishAnswer(rc.State.PublishChannel(name, scopeKey, payload, deliverAt)));
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["published"] = channels.Length, ["failed"] = 0, ["results"] = results });
    }
}
