using System;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;
using Loomcycle.FakeServer.Routing;
using Microsoft.AspNetCore.Http;

namespace Loomcycle.FakeServer.Routes;

/// <summary><c>POST /v1/runs</c> and <c>POST /v1/sessions/{id}/messages</c>: admission checks in the server's
/// order, then an SSE stream driven by the selected fake agent (spec §1, §2, §1.5).</summary>
internal static class RunRoutes
{
    public const string RuntimePausedMessage = "runtime is paused (snapshot quiesce); retry after resume";

    public static void Map(Router router)
    {
        router.Map("POST", "/v1/runs", StartRunAsync);
        router.Map("POST", "/v1/sessions/{id}/messages", ContinueAsync);
    }

    private static async Task StartRunAsync(RequestContext rc)
    {
        HttpContext ctx = rc.Http;
        if (!ContentTypeOk(ctx)) { await ErrorBodies.PlainAsync(ctx, 415, "Content-Type must be application/json"); return; }
        if (!await BodySizeOkAsync(rc)) return;

        RunRequest req;
        try { req = RunRequest.Parse(rc.Body, continuation: false, rc.NewServer); }
        catch (GoDecodeException e) { await ErrorBodies.PlainAsync(ctx, 400, "bad json: " + e.Message); return; }

        if (rc.NewServer && !req.HasSegments && req.Prompt.Length == 0)
        { await ErrorBodies.PlainAsync(ctx, 400, "no input: provide \"segments\" (or a top-level \"prompt\" string)"); return; }
        if (req.Agent.Length == 0) { await ErrorBodies.PlainAsync(ctx, 400, "agent is required"); return; }
        if (req.UserId.Length > 0 && !Validation.ValidIdent(req.UserId)) { await ErrorBodies.PlainAsync(ctx, 400, Validation.UserIdMessage); return; }
        if (req.AgentId.Length > 0 && !Validation.ValidIdent(req.AgentId)) { await ErrorBodies.PlainAsync(ctx, 400, Validation.AgentIdMessage); return; }
        if (!rc.Server.Catalog.TryGet(req.Agent, out IFakeAgent agent))
        { await ErrorBodies.PlainAsync(ctx, 400, "unknown agent " + GoJson.Quote(req.Agent)); return; }
        if (req.UserBearer.Length > 0 && !Validation.ValidUserBearer(req.UserBearer))
        { await ErrorBodies.PlainAsync(ctx, 400, Validation.UserBearerMessage); return; }

        // Identity: NEW with the legacy token forces tenant "default" and defaults user_id to "default".
        bool legacyPrincipal = rc.NewServer && !string.IsNullOrEmpty(rc.Options.Token);
        string tenant = legacyPrincipal ? "default" : (req.TenantId.Length > 0 ? req.TenantId : "default");
        string? userId = req.UserId.Length > 0 ? req.UserId : (legacyPrincipal ? "default" : null);

        SessionRecord? session = null;
        bool lockedExisting = false;
        if (req.SessionId.Length > 0)
        {
            if (!rc.StoreConfigured) { await ErrorBodies.PlainAsync(ctx, 400, "session_id requires persistence (Store not configured)"); return; }
            session = rc.State.FindSession(req.SessionId);
            if (session is null) { await ErrorBodies.PlainAsync(ctx, 404, "session not found: " + req.SessionId); return; }
            if (!rc.State.TryLockSession(session))
            {
                await ErrorBodies.InlineJsonAsync(ctx, 409, "session_busy", "another request is in flight on session " + GoJson.Quote(session.Id));
                return;
            }
            lockedExisting = true;
        }

        if (rc.NewServer && rc.State.IsPausingOrPaused)
        {
            if (lockedExisting) rc.State.UnlockSession(session!);
            await ErrorBodies.InlineJsonAsync(ctx, 503, "runtime_paused", RuntimePausedMessage);
            return;
        }

        if (session is null && rc.StoreConfigured)
        {
            session = rc.State.AddSession(null, req.Agent, userId, tenant);
            rc.State.TryLockSession(session);
        }

        var record = new AgentRecord
        {
            AgentId = req.AgentId.Length > 0 ? req.AgentId : Ids.Agent(),
            RunId = Ids.Run(),
            SessionId = session?.Id ?? "",
            Agent = req.Agent,
            UserId = userId,
            TenantId = tenant,
            Status = "running",
            StartedAt = DateTimeOffset.UtcNow,
            LastHeartbeatAt = DateTimeOffset.UtcNow,
            Persisted = rc.StoreConfigured,
            InputText = req.InputText(rc.NewServer),
        };
        if (!rc.State.TryRegisterRun(record))
        {
            if (session is not null) rc.State.UnlockSession(session);
            await ErrorBodies.InlineJsonAsync(ctx, 409, "agent_id_in_use", AgentIdInUse(record.AgentId));
            return;
        }

        if (req.Interactive && rc.NewServer && session is not null)
        {
            await LiveRoutes.StartInteractiveAsync(rc, record, session, record.InputText ?? "", req.ParentContext is { } ipc ? JsonNode.Parse(ipc.GetRawText()) : null);
            return;
        }

var plan = new RunPlan(record, session, agent, record.InputText ?? "", req.SegmentsJson(rc.NewServer),
            rc.NewServer ? req.Tools : req.AllowedTools,
            req.ParentContext is { } pc ? JsonNode.Parse(pc.GetRawText()) : null,
            SendSessionFrame: rc.StoreConfigured, Persist: rc.StoreConfigured);
        await RunExecutor.ExecuteAsync(ctx, rc.Server, plan);
    }

    private static async Task ContinueAsync(RequestContext rc)
    {
        HttpContext ctx = rc.Http;
        string sessionId = rc["id"];
        if (!rc.StoreConfigured) { await ErrorBodies.PlainAsync(ctx, 404, "session continuation requires persistence (Store not configured)"); return; }
        if (!ContentTypeOk(ctx)) { await ErrorBodies.PlainAsync(ctx, 415, "Content-Type must be application/json"); return; }
        if (sessionId.Length == 0) { await ErrorBodies.PlainAsync(ctx, 400, "session id is required"); return; }
        if (!await BodySizeOkAsync(rc)) return;

        RunRequest req;
        try { req = RunRequest.Parse(rc.Body, continuation: true, rc.NewServer); }
        catch (GoDecodeException e) { await ErrorBodies.PlainAsync(ctx, 400, "bad json: " + e.Message); return; }

        SessionRecord? session = rc.State.FindSession(sessionId);
        if (session is null) { await ErrorBodies.PlainAsync(ctx, 404, "session not found: " + sessionId); return; }
        if (!rc.State.TryLockSession(session))
        {
            await ErrorBodies.InlineJsonAsync(ctx, 409, "session_busy", "another request is in flight on session " + GoJson.Quote(session.Id));
            return;
        }
        bool handedOff = false;
        try
        {
            if (!rc.Server.Catalog.TryGet(session.Agent, out IFakeAgent agent))
            { await ErrorBodies.PlainAsync(ctx, 400, "session refers to unknown agent " + GoJson.Quote(session.Agent)); return; }
            if (req.UserBearer.Length > 0 && !Validation.ValidUserBearer(req.UserBearer))
            { await ErrorBodies.PlainAsync(ctx, 400, Validation.UserBearerMessage); return; }
            if (rc.NewServer && rc.State.IsPausingOrPaused)
            { await ErrorBodies.InlineJsonAsync(ctx, 503, "runtime_paused", RuntimePausedMessage); return; }
            if (req.AgentId.Length > 0 && !Validation.ValidIdent(req.AgentId))
            { await ErrorBodies.PlainAsync(ctx, 400, Validation.AgentIdMessage); return; }

            var record = new AgentRecord
            {
                AgentId = req.AgentId.Length > 0 ? req.AgentId : Ids.Agent(),
                RunId = Ids.Run(),
                SessionId = session.Id,
                Agent = session.Agent,
                UserId = session.UserId,
                TenantId = session.TenantId,
                Status = "running",
                StartedAt = DateTimeOffset.UtcNow,
                LastHeartbeatAt = DateTimeOffset.UtcNow,
                InputText = req.InputText(rc.NewServer),
            };
            if (!rc.State.TryRegisterRun(record))
            { await ErrorBodies.InlineJsonAsync(ctx, 409, "agent_id_in_use", AgentIdInUse(record.AgentId)); return; }

            var plan = new RunPlan(record, session, agent, record.InputText ?? "", req.SegmentsJson(rc.NewServer),
                rc.NewServer ? req.Tools : req.AllowedTools,
                req.ParentContext is { } pc ? JsonNode.Parse(pc.GetRawText()) : null,
                SendSessionFrame: true, Persist: true);
            handedOff = true; // the executor releases the session lock
            await RunExecutor.ExecuteAsync(ctx, rc.Server, plan);
        }
        finally
        {
            if (!handedOff) rc.State.UnlockSession(session);
        }
    }

    internal static string AgentIdInUse(string agentId) => "agent_id " + GoJson.Quote(agentId) + " is already in use by a live run";

    /// <summary>Go: an absent Content-Type is fine; a present one must start with application/json.</summary>
    private static bool ContentTypeOk(HttpContext ctx)
    {
        string? ct = ctx.Request.Headers.ContentType.Count > 0 ? ctx.Request.Headers.ContentType[0] : null;
        return string.IsNullOrEmpty(ct) || ct.StartsWith("application/json", StringComparison.Ordinal);
    }

    private static async Task<bool> BodySizeOkAsync(RequestContext rc)
    {
        long cap = rc.Options.MaxRunRequestBytes ?? (rc.NewServer ? 16L << 20 : 1L << 20);
        if (rc.Body.LongLength <= cap) return true;
        if (rc.NewServer) await ErrorBodies.PlainAsync(rc.Http, 413, $"request body exceeds the {cap}-byte limit");
        else await ErrorBodies.PlainAsync(rc.Http, 400, "bad json: http: request body too large");
        return false;
    }
}
