using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;
using Loomcycle.FakeServer.Routing;
using Microsoft.AspNetCore.Http;

namespace Loomcycle.FakeServer.Routes;

/// <summary>
/// The live-run routes of v1.59 (spec v1 §2.1–2.4, §3.1–3.2): the run-state stream, interactive input / turn cancel /
/// compact / re-attach, batches, session replay and resident sub-agents.
/// </summary>
internal static class LiveRoutes
{
    private static readonly TimeSpan TailPoll = TimeSpan.FromMilliseconds(250);

    public static void Map(Router router)
    {
        router.Map("GET", "/v1/users/{user_id}/agents/stream", WatchAsync);
        router.Map("POST", "/v1/runs/{run_id}/input", InputAsync);
        router.Map("POST", "/v1/runs/{run_id}/cancel", CancelTurnAsync);
        router.Map("POST", "/v1/runs/{run_id}/compact", CompactAsync);
        router.Map("GET", "/v1/runs/{run_id}/stream", AttachAsync);
        router.Map("POST", "/v1/runs:batch", BatchAsync);
        router.Map("POST", "/v1/sessions/{id}/replay", ReplayAsync);
        router.Map("GET", "/v1/_resident", ListResidentAsync);
        router.Map("POST", "/v1/_resident/{run_id}/close", CloseResidentAsync);
        router.Map("POST", "/v1/_resident/{run_id}/cancel", CancelResidentAsync);
    }

    // ---- run-state stream (§3.1) ----

    private static async Task WatchAsync(RequestContext rc)
    {
        HttpContext ctx = rc.Http;
        string userId = rc["user_id"];
        if (!Validation.ValidIdent(userId)) { await ErrorBodies.JsonAsync(ctx, 400, "invalid_request", Validation.UserIdMessage); return; }
        if (!rc.StoreConfigured) { await ErrorBodies.JsonAsync(ctx, 503, "stream_unavailable", "run-state stream is not available on this server"); return; }

        var statuses = new SortedSet<string>(StringComparer.Ordinal);
        if (ctx.Request.Query.TryGetValue("status", out var values))
            foreach (string? v in values)
                foreach (string part in (v ?? "").Split(','))
                    if (part.Trim().Length > 0) statuses.Add(part.Trim());
        string agent = rc.Query("agent");

        RunStateBus bus = rc.State.RunStates;
        RunStateSubscription sub = bus.Subscribe(userId, statuses, agent);
        using var lifetime = new CancellationTokenSource(rc.Options.RunStateStreamLifetime);
        using var end = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, rc.Server.ShutdownToken, sub.Closed, lifetime.Token);
        var writer = new SseWriter(ctx, end.Token, rc.Options.KeepaliveInterval);
        rc.Server.OnStreamOpened();
        try
        {
            await writer.StartAsync().ConfigureAwait(false);
            var open = new JsonObject
            {
                ["user_id"] = userId,
                ["filter_status"] = statuses.Count == 0 ? null : GoJson.StringArray(statuses),
                ["filter_agent"] = agent,
                ["keepalive_interval"] = 25,
            };
            await writer.WriteFrameAsync("stream_open", GoJson.Serialize(open)).ConfigureAwait(false);
            while (true)
            {
                byte[]? next = await sub.NextAsync(end.Token).ConfigureAwait(false);
                if (next is null) break;
                bus.NoteFrameWriting();
                await writer.WriteFrameAsync("run_state", next).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException || ex is System.IO.IOException || ex is ObjectDisposedException)
        {
            // client gone or stream ended
        }
        finally
        {
            sub.Dispose();
            await writer.DisposeAsync().ConfigureAwait(false);
            rc.Server.OnStreamClosed();
        }
    }

    // ---- interactive runs (§2.2, §3.2) ----

    /// <summary>Called by POST /v1/runs with interactive:true once admission passed: starts the detached loop and tails it.</summary>
    internal static async Task StartInteractiveAsync(RequestContext rc, AgentRecord record, SessionRecord session, string input, JsonNode? parentContext)
    {
        var run = new InteractiveRun(rc.Server, record, session, input);
        lock (rc.State.SyncRoot) record.CancelHandler = run.CancelRun;
        rc.State.AddInteractive(run);
        _ = Task.Run(run.LoopAsync);

        HttpContext ctx = rc.Http;
        using var end = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, rc.Server.ShutdownToken);
        var writer = new SseWriter(ctx, end.Token, rc.Options.KeepaliveInterval);
        try
        {
            await writer.StartAsync().ConfigureAwait(false);
            await writer.WriteFrameAsync("session", GoJson.Serialize(new JsonObject { ["type"] = "session", ["text"] = session.Id })).ConfigureAwait(false);
            await writer.WriteFrameAsync("agent", GoJson.Serialize(new JsonObject
            {
                ["agent_id"] = record.AgentId,
                ["run_id"] = record.RunId,
                ["session_id"] = session.Id,
                ["parent_agent_id"] = null,
                ["parent_context"] = parentContext?.DeepClone(),
            })).ConfigureAwait(false);
            await TailAsync(writer, rc.State, session, record, 0, end.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException || ex is System.IO.IOException || ex is ObjectDisposedException)
        {
            // The client left; the interactive run goes on (detached).
        }
        finally
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task AttachAsync(RequestContext rc)
    {
        HttpContext ctx = rc.Http;
        if (!rc.StoreConfigured) { await ErrorBodies.PlainAsync(ctx, 503, "run streaming requires a persistence backend"); return; }
        string runId = rc["run_id"];
        if (!Validation.ValidIdent(runId)) { await ErrorBodies.PlainAsync(ctx, 400, Validation.RunIdMessage); return; }
        AgentRecord? record = rc.State.FindRun(runId);
        SessionRecord? session = record is null ? null : rc.State.FindSession(record.SessionId);
        if (record is null || session is null) { await ErrorBodies.PlainAsync(ctx, 404, "no such run"); return; }
        long fromSeq = 0;
        if (long.TryParse(rc.Query("from_seq"), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long n) && n >= 0) fromSeq = n;

        using var end = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, rc.Server.ShutdownToken);
        var writer = new SseWriter(ctx, end.Token, rc.Options.KeepaliveInterval);
        rc.Server.OnStreamOpened();
        try
        {
            await writer.StartAsync().ConfigureAwait(false);
            await writer.WriteFrameAsync("agent", GoJson.Serialize(new JsonObject
            {
                ["agent_id"] = record.AgentId,
                ["run_id"] = runId,
                ["session_id"] = session.Id,
            })).ConfigureAwait(false);
            await TailAsync(writer, rc.State, session, record, fromSeq, end.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException || ex is System.IO.IOException || ex is ObjectDisposedException)
        {
        }
        finally
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            rc.Server.OnStreamClosed();
        }
    }

    /// <summary>The store tail: rows of the run after the cursor, as frames; ends once the run is terminal and drained.</summary>
    private static async Task TailAsync(SseWriter writer, FakeState state, SessionRecord session, AgentRecord record, long cursor, CancellationToken token)
    {
        while (true)
        {
            Task appended;
            lock (session.EventList) appended = session.Appended.Task;
            bool terminal;
            lock (state.SyncRoot) terminal = record.IsTerminal;
            foreach (TranscriptEvent row in session.Events.Where(e => e.RunId == record.RunId && e.Seq > cursor))
            {
                cursor = row.Seq;
                if (row.Type == "system_prompt") continue;
                if (row.Type == "user_input")
                {
                    string? text = SegmentsText(row.PayloadJson);
                    if (text is null) continue;
                    await writer.WriteFrameAsync("steer", GoJson.Serialize(new JsonObject
                    {
                        ["type"] = "steer",
                        ["user_input"] = new JsonObject { ["text"] = text, ["source"] = "replay" },
                    })).ConfigureAwait(false);
                    continue;
                }
                await writer.WriteFrameAsync(row.Type, row.EventJson).ConfigureAwait(false);
            }
            if (terminal) return;
            await Task.WhenAny(appended, Task.Delay(TailPoll, token)).ConfigureAwait(false);
            token.ThrowIfCancellationRequested();
        }
    }

    private static string? SegmentsText(byte[]? payload)
    {
        if (payload is null) return null;
        try
        {
            var b = new StringBuilder();
            foreach (JsonNode? seg in JsonNode.Parse(payload)!.AsArray())
                foreach (JsonNode? c in seg?["content"]?.AsArray() ?? new JsonArray())
                {
                    string t = c?["text"]?.GetValue<string>() ?? "";
                    if (t.Length == 0) continue;
                    if (b.Length > 0) b.Append('\n');
                    b.Append(t);
                }
            return b.Length == 0 ? null : b.ToString();
        }
        catch (Exception)
        {
            return null;
        }
    }

    private static Task InputAsync(RequestContext rc)
    {
        HttpContext ctx = rc.Http;
        if (!rc.StoreConfigured) return ErrorBodies.PlainAsync(ctx, 503, "steering is not enabled on this server");
        string runId = rc["run_id"];
        if (!Validation.ValidIdent(runId)) return ErrorBodies.PlainAsync(ctx, 400, Validation.RunIdMessage);
        if (rc.Body.Length > 1 << 20) return ErrorBodies.PlainAsync(ctx, 400, "bad json: http: request body too large");
        string text;
        try { text = GoBody.Decode(rc.Body, "http.runInputRequest").String("text") ?? ""; }
        catch (GoDecodeException e) { return ErrorBodies.PlainAsync(ctx, 400, "bad json: " + e.Message); }
        text = text.Trim();
        if (text.Length == 0) return ErrorBodies.PlainAsync(ctx, 422, "text is required");
        InteractiveRun? run = rc.State.FindInteractive(runId);
        if (run is null || run.Ended) return ErrorBodies.PlainAsync(ctx, 404, "no in-flight run for that run_id");
        if (run.Enqueue(text) == InteractiveRun.InputOutcome.QueueFull)
        {
            ctx.Response.Headers["Retry-After"] = "1";
            return ErrorBodies.PlainAsync(ctx, 429, "run input queue full; retry shortly");
        }
        return Responses.JsonAsync(ctx, 200, new JsonObject { ["run_id"] = runId, ["delivered"] = true });
    }

    private static async Task CancelTurnAsync(RequestContext rc)
    {
        HttpContext ctx = rc.Http;
        if (!rc.StoreConfigured) { await ErrorBodies.PlainAsync(ctx, 503, "turn-cancel is not enabled on this server"); return; }
        string runId = rc["run_id"];
        if (!Validation.ValidIdent(runId)) { await ErrorBodies.PlainAsync(ctx, 400, Validation.RunIdMessage); return; }
        string reason = "";
        try { if (!GoBody.IsEmpty(rc.Body)) reason = GoBody.Decode(rc.Body, "http.cancelTurnRequest").String("reason") ?? ""; }
        catch (GoDecodeException) { } // decode errors are ignored
        InteractiveRun? run = rc.State.FindInteractive(runId);
        if (run is null || run.Ended)
        {
            AgentRecord? other = rc.State.FindRun(runId);
            if (other is not null && other.Live && run is null)
            {
                await ErrorBodies.JsonAsync(ctx, 409, "not_interactive", "turn-cancel applies only to interactive runs; use POST /v1/agents/{id}/cancel to stop this run");
                return;
            }
            await ErrorBodies.PlainAsync(ctx, 404, "no in-flight run for that run_id");
            return;
        }
        if (!await run.CancelTurnAsync(reason.Length > 0 ? reason : "cancelled by operator").ConfigureAwait(false))
        {
            await ErrorBodies.JsonAsync(ctx, 409, "not_mid_turn", "the run is parked awaiting input; there is no turn to cancel");
            return;
        }
        await Responses.JsonAsync(ctx, 200, new JsonObject { ["run_id"] = runId, ["stopped"] = true, ["parked"] = run.Parked });
    }

    private static Task CompactAsync(RequestContext rc)
    {
        HttpContext ctx = rc.Http;
        string runId = rc["run_id"];
        if (!Validation.ValidIdent(runId)) return ErrorBodies.PlainAsync(ctx, 400, Validation.RunIdMessage);
        if (!rc.StoreConfigured) return ErrorBodies.PlainAsync(ctx, 503, "compaction requires a persistence backend");
        AgentRecord? record = rc.State.FindRun(runId);
        SessionRecord? session = record is null ? null : rc.State.FindSession(record.SessionId);
        if (record is null || session is null) return ErrorBodies.PlainAsync(ctx, 404, "no such run");
        InteractiveRun? run = rc.State.FindInteractive(runId);
        bool live = run is not null && !run.Ended;
        if (live && !run!.Parked) return ErrorBodies.JsonAsync(ctx, 409, "run_busy", "the run is mid-turn; compact it once it is parked");
        if (record.Agent is null || !rc.Server.Catalog.TryGet(record.Agent, out _)) return ErrorBodies.JsonAsync(ctx, 409, "agent_gone", "the run's agent no longer exists");
        int messages = session.Events.Count(e => e.RunId == runId && (e.Type == "user_input" || e.Type == "usage"));
        if (messages < 4)
            return Responses.JsonAsync(ctx, 200, new JsonObject { ["run_id"] = runId, ["compacted"] = false, ["before_tokens"] = 0, ["after_tokens"] = 0, ["applied"] = "noop" });
        long before = 40L * messages;
        long after = 40L;
        rc.State.AppendTranscript(session, runId, "context_compaction", GoJson.Serialize(new JsonObject
        {
            ["type"] = "context_compaction",
            ["context_compaction"] = new JsonObject { ["summary"] = $"{messages} messages summarised", ["before_tokens"] = before, ["after_tokens"] = after, ["trigger"] = "manual" },
        }));
        rc.State.NotifyAppended(session);
        return Responses.JsonAsync(ctx, 200, new JsonObject
        {
            ["run_id"] = runId, ["compacted"] = true, ["before_tokens"] = before, ["after_tokens"] = after, ["applied"] = live ? "live" : "marker",
        });
    }

    // ---- batch and replay (§2.3) ----

    private static async Task BatchAsync(RequestContext rc)
    {
        HttpContext ctx = rc.Http;
        string? ct = ctx.Request.ContentType;
        if (!string.IsNullOrEmpty(ct) && !ct.StartsWith("application/json", StringComparison.Ordinal)) { await ErrorBodies.PlainAsync(ctx, 415, "Content-Type must be application/json"); return; }
        if (rc.Body.Length > 8 << 20) { await ErrorBodies.PlainAsync(ctx, 400, "bad json: http: request body too large"); return; }
        JsonElement spawns;
        string mode;
        long timeoutMs;
        try
        {
            GoBody b = GoBody.Decode(rc.Body, "connector.SpawnRunsRequest");
            spawns = b.Element("spawns", JsonValueKind.Array, "[]connector.SpawnRunRequest") ?? default;
            mode = b.String("mode") ?? "";
            timeoutMs = b.Has("timeout_ms") ? b.Int64("timeout_ms", "int") : 0;
        }
        catch (GoDecodeException e) { await ErrorBodies.PlainAsync(ctx, 400, "bad json: " + e.Message); return; }
        int count = spawns.ValueKind == JsonValueKind.Array ? spawns.GetArrayLength() : 0;
        if (count == 0) { await ErrorBodies.PlainAsync(ctx, 400, "spawn_runs: at least one spawn is required"); return; }
        if (count > 32) { await ErrorBodies.PlainAsync(ctx, 400, $"spawn_runs: {count} spawns exceeds the per-batch cap of 32"); return; }
        if (mode.Length > 0 && mode != "join") { await ErrorBodies.PlainAsync(ctx, 400, $"spawn_runs: unsupported mode {GoJson.Quote(mode)} (only \"join\")"); return; }

        var results = new JsonArray();
        foreach (JsonElement spawn in spawns.EnumerateArray())
            results.Add(RunChild(rc, spawn));
        await Responses.JsonAsync(ctx, 200, new JsonObject { ["results"] = results, ["spawned"] = count });
    }

    /// <summary>One child, run to its end: <c>echo</c> answers with its prompt, <c>fail</c> fails, an unknown agent fails.</summary>
    private static JsonObject RunChild(RequestContext rc, JsonElement spawn)
    {
        string agent = spawn.TryGetProperty("agent", out JsonElement a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : "";
        string? userId = spawn.TryGetProperty("user_id", out JsonElement u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
        var text = new StringBuilder();
        if (spawn.TryGetProperty("segments", out JsonElement segs) && segs.ValueKind == JsonValueKind.Array)
            foreach (JsonElement seg in segs.EnumerateArray())
                if (seg.TryGetProperty("role", out JsonElement role) && role.GetString() == "user" && seg.TryGetProperty("content", out JsonElement content))
                    foreach (JsonElement c in content.EnumerateArray())
                        if (c.TryGetProperty("text", out JsonElement t)) text.Append(t.GetString());
        SessionRecord session = rc.State.AddSession(null, agent.Length > 0 ? agent : "echo", userId);
        var record = new AgentRecord
        {
            AgentId = Ids.Agent(), RunId = Ids.Run(), SessionId = session.Id, Agent = agent, UserId = userId,
            Status = "running", StartedAt = DateTimeOffset.UtcNow, InputText = text.ToString(),
        };
        rc.State.TryRegisterRun(record);
        var o = new JsonObject { ["agent_id"] = record.AgentId, ["run_id"] = record.RunId, ["session_id"] = session.Id };
        if (!rc.Server.Catalog.TryGet(agent, out _))
        {
            rc.State.SetRunStatus(record, "failed", error: "unknown agent " + GoJson.Quote(agent));
            o["status"] = "failed";
            o["error"] = record.Error;
        }
        else if (agent == "fail")
        {
            rc.State.SetRunStatus(record, "failed", error: "provider error: fake failure");
            o["status"] = "failed";
            o["error"] = record.Error;
        }
        else
        {
            record.InputTokens = 3;
            record.OutputTokens = text.Length;
            rc.State.SetRunStatus(record, "completed", "end_turn");
            o["status"] = "completed";
            o["stop_reason"] = "end_turn";
            o["final_text"] = text.ToString();
            o["usage"] = GoJson.Usage(3, text.Length, "fake-echo", true);
        }
        return o;
    }

    private static Task ReplayAsync(RequestContext rc)
    {
        HttpContext ctx = rc.Http;
        string id = rc["id"];
        if (!Validation.ValidIdent(id)) return ErrorBodies.PlainAsync(ctx, 400, "session id must match [A-Za-z0-9_-]{1,128}");
        string agent;
        bool compress;
        try
        {
            if (GoBody.IsEmpty(rc.Body)) { agent = ""; compress = false; }
            else
            {
                GoBody b = GoBody.Decode(rc.Body, "http.replayRequest");
                agent = b.String("agent") ?? "";
                compress = b.Bool("compress");
            }
        }
        catch (GoDecodeException e) { return ErrorBodies.PlainAsync(ctx, 400, "bad json: " + e.Message); }
        if (agent.Length == 0) return ErrorBodies.PlainAsync(ctx, 400, "agent is required");
        if (!rc.StoreConfigured) return ErrorBodies.PlainAsync(ctx, 503, "replay requires persistence");
        SessionRecord? source = rc.State.FindSession(id);
        if (source is null) return ErrorBodies.PlainAsync(ctx, 404, "no session for that id");
        if (!rc.Server.Catalog.TryGet(agent, out _)) return ErrorBodies.JsonAsync(ctx, 409, "agent_gone", "agent " + GoJson.Quote(agent) + " no longer exists");
        IReadOnlyList<TranscriptEvent> rows = source.Events;
        if (rows.Count == 0) return ErrorBodies.JsonAsync(ctx, 400, "empty_source", "the source session has no events to replay");
        SessionRecord copy = rc.State.AddSession(null, agent, source.UserId, source.TenantId);
        string seedRun = Ids.Run();
        foreach (TranscriptEvent row in rows)
            rc.State.AppendTranscript(copy, seedRun, row.Type, row.EventJson, row.PayloadJson);
        return Responses.JsonAsync(ctx, 200, new JsonObject
        {
            ["new_session_id"] = copy.Id, ["seed_run_id"] = seedRun, ["events_copied"] = rows.Count, ["compacted"] = compress,
        });
    }

    // ---- resident sub-agents (§2.4) ----

    private static Task ListResidentAsync(RequestContext rc)
    {
        var rows = new JsonArray();
        foreach (ResidentRecord r in rc.State.Residents)
        {
            var o = new JsonObject { ["child_run_id"] = r.ChildRunId, ["agent_id"] = r.AgentId };
            if (!string.IsNullOrEmpty(r.Agent)) o["agent"] = r.Agent;
            if (!string.IsNullOrEmpty(r.ParentAgentId)) o["parent_agent_id"] = r.ParentAgentId;
            if (!string.IsNullOrEmpty(r.TenantId)) o["tenant_id"] = r.TenantId;
            o["state"] = r.State;
            o["idle_ttl_seconds"] = r.IdleTtlSeconds;
            o["last_used_at"] = GoJson.Time(r.LastUsedAt);
            rows.Add(o);
        }
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["resident"] = rows });
    }

    private static Task CloseResidentAsync(RequestContext rc)
    {
        string runId = rc["run_id"];
        if (!Validation.ValidIdent(runId)) return ErrorBodies.PlainAsync(rc.Http, 400, Validation.RunIdMessage);
        if (!rc.State.RemoveResident(runId)) return ErrorBodies.PlainAsync(rc.Http, 404, "no resident sub-agent for that run_id");
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["run_id"] = runId, ["closed"] = true });
    }

    private static Task CancelResidentAsync(RequestContext rc)
    {
        string runId = rc["run_id"];
        if (!Validation.ValidIdent(runId)) return ErrorBodies.PlainAsync(rc.Http, 400, Validation.RunIdMessage);
        ResidentRecord? r = rc.State.FindResident(runId);
        if (r is null) return ErrorBodies.PlainAsync(rc.Http, 404, "no resident sub-agent for that run_id");
        bool stopped;
        lock (rc.State.SyncRoot)
        {
            stopped = r.State == "running";
            if (stopped) { r.State = "idle"; r.TurnCancels++; }
        }
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["run_id"] = runId, ["stopped"] = stopped });
    }
}
