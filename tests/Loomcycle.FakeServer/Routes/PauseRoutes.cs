using System;
using System.Diagnostics;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;
using Loomcycle.FakeServer.Routing;

namespace Loomcycle.FakeServer.Routes;

/// <summary><c>POST /v1/_pause</c>, <c>POST /v1/_resume</c>, <c>GET /v1/_state</c> (spec §9).</summary>
internal static class PauseRoutes
{
    public static void Map(Router router)
    {
        router.Map("POST", "/v1/_pause", PauseAsync);
        router.Map("POST", "/v1/_resume", ResumeAsync);
        router.Map("GET", "/v1/_state", StateAsync);
    }

    private static Task NotConfigured(RequestContext rc) =>
        ErrorBodies.JsonAsync(rc.Http, 503, "pause_not_configured", "no pause manager wired on this server");

    private static async Task PauseAsync(RequestContext rc)
    {
        if (!rc.Options.PauseConfigured) { await NotConfigured(rc); return; }
        long timeoutMs = 0;
        if (!GoBody.IsEmpty(rc.Body))
        {
            try { timeoutMs = GoBody.Decode(rc.Body, "http.pauseRequest").Int64("timeout_ms", "int"); }
            catch (GoDecodeException)
            {
                await ErrorBodies.JsonAsync(rc.Http, 400, "invalid_json", "request body must be JSON object (or empty)");
                return;
            }
        }
        if (!rc.State.TryBeginPause())
        {
            await ErrorBodies.JsonAsync(rc.Http, 409, "already_pausing", "pause: runtime is already pausing or paused");
            return;
        }
        TimeSpan timeout = timeoutMs <= 0 ? TimeSpan.FromSeconds(30) : TimeSpan.FromMilliseconds(Math.Min(timeoutMs, 300_000));
        var sw = Stopwatch.StartNew();
        TimeSpan windDown = rc.Options.PauseDuration < timeout ? rc.Options.PauseDuration : timeout;
        if (windDown > TimeSpan.Zero)
        {
            try { await Task.Delay(windDown, rc.Server.ShutdownToken); }
            catch (OperationCanceledException) { }
        }
        int paused;
        lock (rc.State.SyncRoot)
        {
            paused = rc.State.PausedRunsCount + rc.State.Agents.Count(a => a.Live);
            rc.State.PausedRunsCount = paused;
            rc.State.RuntimeState = "paused";
        }
        var body = new JsonObject
        {
            ["state"] = "paused",
            ["duration_ms"] = sw.ElapsedMilliseconds,
            ["force_cancelled_count"] = 0,
            ["paused_runs_count"] = paused,
        };
        await Responses.JsonAsync(rc.Http, 200, body);
    }

    private static Task ResumeAsync(RequestContext rc)
    {
        if (!rc.Options.PauseConfigured) return NotConfigured(rc);
        int resumed = rc.State.TryResume();
        if (resumed < 0) return ErrorBodies.JsonAsync(rc.Http, 409, "not_paused", "pause: runtime is not paused");
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["state"] = "running", ["resumed_runs_count"] = resumed });
    }

    private static Task StateAsync(RequestContext rc)
    {
        if (!rc.Options.PauseConfigured) return NotConfigured(rc);
        JsonObject body;
        lock (rc.State.SyncRoot)
            body = new JsonObject { ["state"] = rc.State.RuntimeState, ["paused_runs_count"] = rc.State.PausedRunsCount };
        return Responses.JsonAsync(rc.Http, 200, body);
    }
}
