using System;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;
using Loomcycle.FakeServer.Routing;

namespace Loomcycle.FakeServer.Routes;

/// <summary>
/// POST /v1/_history, the History tool's dispatcher (wire contract v1 §2.13): list, search, get (with the markdown and
/// conversation renderings), rename, pin, archive. Tool refusals are 422 {code:tool_refused,error,tool}; success bodies
/// are the tool's JSON text without a trailing newline.
/// </summary>
internal static class HistoryRoutes
{
    public static void Map(Router router) => router.Map("POST", "/v1/_history", HistoryAsync);

    private static Task Refuse(RequestContext rc, string message) =>
        Responses.WriteAsync(rc.Http, 422, "application/json", GoJson.SerializeLine(new JsonObject { ["code"] = "tool_refused", ["error"] = message, ["tool"] = "History" }));

    private static Task Ok(RequestContext rc, JsonObject body) => Responses.WriteAsync(rc.Http, 200, "application/json", GoJson.Serialize(body));

    private static Task HistoryAsync(RequestContext rc)
    {
        if (rc.Body.Length == 0) return ErrorBodies.JsonAsync(rc.Http, 400, "bad_request", "empty body — expected substrate tool input JSON");
        GoBody b;
        try { b = GoBody.Decode(rc.Body, "builtin.historyInput"); }
        catch (GoDecodeException) { return ErrorBodies.JsonAsync(rc.Http, 400, "bad_request", "body is not valid JSON"); }
        string op = b.String("op") ?? "";
        string scope = b.String("scope") ?? "";
        if (scope.Length == 0) scope = "user";
        if (scope is not ("self" or "user" or "tenant" or "global")) return Refuse(rc, $"history: unknown scope {GoJson.Quote(scope)}");
        switch (op)
        {
            case "list":
            case "search":
                return List(rc, b, scope, op == "search");
            case "get":
            case "rename":
            case "pin":
            case "archive":
                break;
            default:
                return Refuse(rc, $"history: unknown op {GoJson.Quote(op)}");
        }

        string sessionId = b.String("session_id") ?? "";
        if (sessionId.Length == 0) return Refuse(rc, $"history: {op} requires session_id");
        SessionRecord? session = rc.State.FindSession(sessionId);
        if (session is null) return Refuse(rc, $"history: chat {GoJson.Quote(sessionId)} not found");
        ChatMeta meta = rc.State.ChatMetaFor(sessionId);
        switch (op)
        {
            case "rename":
                if (!b.Has("title")) return Refuse(rc, "history: rename requires title");
                meta.Title = b.String("title") ?? "";
                break;
            case "pin":
                meta.Pinned = !b.Has("pinned") || b.Bool("pinned");
                break;
            case "archive":
                meta.Archived = !b.Has("archived") || b.Bool("archived");
                break;
            case "get":
                string format = b.String("format") ?? "";
                if (format is "markdown" or "conversation")
                    return Ok(rc, new JsonObject { ["scope"] = scope, ["chat"] = Meta(rc, session, list: false), ["format"] = format, ["markdown"] = Render(session, meta, format) });
                var transcript = new JsonArray();
                foreach (TranscriptEvent e in session.Events)
                    transcript.Add(new JsonObject { ["seq"] = e.Seq, ["run_id"] = e.RunId, ["ts"] = GoJson.Time(DateTimeOffset.UnixEpoch.AddTicks(e.TsNs / 100)), ["type"] = e.Type });
                return Ok(rc, new JsonObject { ["scope"] = scope, ["chat"] = Meta(rc, session, list: false), ["transcript"] = transcript });
        }
        return Ok(rc, new JsonObject { ["scope"] = scope, ["chat"] = Meta(rc, session, list: false) });
    }

    private static Task List(RequestContext rc, GoBody b, string scope, bool search)
    {
        string query = b.String("query") ?? "";
        if (search && query.Trim().Length == 0) return Refuse(rc, "history: search requires a non-empty query");
        int limit = b.Has("limit") ? (int)b.Int64("limit", "int") : 0;
        if (limit <= 0) limit = 50;
        if (limit > 500) limit = 500;
        int offset = b.Has("offset") ? (int)b.Int64("offset", "int") : 0;
        bool pinnedOnly = b.Has("pinned_only") && b.Bool("pinned_only");
        bool includeArchived = b.Has("include_archived") && b.Bool("include_archived");
        var rows = rc.State.Sessions
            .Where(s =>
            {
                ChatMeta m = rc.State.ChatMetaFor(s.Id);
                return (!pinnedOnly || m.Pinned) && (includeArchived || !m.Archived)
                    && (!search || m.Title.Contains(query, StringComparison.OrdinalIgnoreCase));
            })
            .OrderByDescending(s => LastActivity(s)).ThenBy(s => s.Id, StringComparer.Ordinal)
            .ToList();
        var chats = new JsonArray();
        foreach (SessionRecord s in rows.Skip(offset).Take(limit)) chats.Add(Meta(rc, s, list: true));
        return Ok(rc, new JsonObject { ["scope"] = scope, ["chats"] = chats, ["total"] = rows.Count, ["limit"] = limit, ["offset"] = offset });
    }

    private static DateTimeOffset LastActivity(SessionRecord s) => s.Events.Count > 0 ? DateTimeOffset.UnixEpoch.AddTicks(s.Events.Max(e => e.TsNs) / 100) : s.CreatedAt;

    private static JsonObject Meta(RequestContext rc, SessionRecord s, bool list)
    {
        ChatMeta m = rc.State.ChatMetaFor(s.Id);
        var o = new JsonObject { ["session_id"] = s.Id };
        if (list || s.TenantId.Length > 0) o["tenant_id"] = s.TenantId;
        o["agent"] = s.Agent;
        if (s.UserId is { Length: > 0 }) o["user_id"] = s.UserId;
        o["created_at"] = GoJson.Time(s.CreatedAt);
        if (list) o["last_activity"] = GoJson.Time(LastActivity(s));
        int runs = s.Events.Select(e => e.RunId).Distinct().Count();
        if (list) o["run_count"] = runs;
        if (m.Title.Length > 0) o["title"] = m.Title;
        if (m.Description.Length > 0) o["description"] = m.Description;
        if (m.Pinned) o["pinned"] = true;
        if (m.Archived) o["archived"] = true;
        if (!list) o["run_count"] = runs;
        o["input_tokens"] = 0;
        o["output_tokens"] = 0;
        o["cost"] = 0;
        if (list) o["status"] = "completed";
        return o;
    }

    private static string Render(SessionRecord s, ChatMeta meta, string format)
    {
        var text = new StringBuilder();
        if (format == "markdown")
        {
            text.Append("# ").Append(meta.Title.Length > 0 ? meta.Title : s.Id).Append("\n\n");
            text.Append("- session: `").Append(s.Id).Append("`\n- agent: ").Append(s.Agent).Append("\n\n");
        }
        foreach (TranscriptEvent e in s.Events)
        {
            string? said = TextOf(e);
            if (format == "conversation" && said is null) continue;
            text.Append("## ").Append(e.Type).Append("\n\n").Append(said ?? "(" + e.Type + ")").Append("\n\n");
        }
        return text.ToString();
    }

    private static string? TextOf(TranscriptEvent e)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(e.EventJson);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("text", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        }
        catch (JsonException) { return null; }
    }
}
