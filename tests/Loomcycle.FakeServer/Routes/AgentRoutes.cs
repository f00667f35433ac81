using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;
using Loomcycle.FakeServer.Routing;

namespace Loomcycle.FakeServer.Routes;

/// <summary><c>GET /v1/agents/{id}</c>, <c>POST /v1/agents/{id}/cancel</c>, <c>GET /v1/users/{user_id}/agents</c> (spec §3–5).</summary>
internal static class AgentRoutes
{
    public static void Map(Router router)
    {
        router.Map("GET", "/v1/agents/{agent_id}", GetAgentAsync);
        router.Map("POST", "/v1/agents/{agent_id}/cancel", CancelAsync);
        router.Map("GET", "/v1/users/{user_id}/agents", ListUserAgentsAsync);
    }

    private static Task GetAgentAsync(RequestContext rc)
    {
        string id = rc["agent_id"];
        if (!Validation.ValidIdent(id)) return ErrorBodies.PlainAsync(rc.Http, 400, Validation.AgentIdMessage);
        AgentRecord? a = rc.State.LookupAgent(id, rc.StoreConfigured);
        if (a is null)
        {
            string msg = rc.StoreConfigured
                ? "no run found for agent_id " + GoJson.Quote(id)
                : "no live run for " + GoJson.Quote(id) + " (no store configured)";
            return ErrorBodies.InlineJsonAsync(rc.Http, 404, "unknown_agent_id", msg);
        }
        JsonObject body;
        lock (rc.State.SyncRoot) body = AgentJson.From(a, rc.NewServer);
        return Responses.JsonAsync(rc.Http, 200, body);
    }

    private static Task CancelAsync(RequestContext rc)
    {
        string id = rc["agent_id"];
        if (!Validation.ValidIdent(id)) return ErrorBodies.PlainAsync(rc.Http, 400, Validation.AgentIdMessage);

        // The body is decoded only when Content-Length > 0, capped at 1 KiB; decode errors are ignored.
        string reason = "";
        if (rc.Http.Request.ContentLength is > 0 && rc.Body.Length <= 1024)
        {
            try { reason = GoBody.Decode(rc.Body, "http.cancelRequest").String("reason") ?? ""; }
            catch (GoDecodeException) { }
        }
        FakeState.CancelOutcome outcome = rc.State.Cancel(id, reason.Length > 0 ? reason : "cancelled by api", rc.StoreConfigured);
        if (outcome.Target is null)
        {
            string msg = rc.StoreConfigured
                ? "no run found for agent_id " + GoJson.Quote(id)
                : "no live or terminated run for " + GoJson.Quote(id) + " (no store configured)";
            return ErrorBodies.InlineJsonAsync(rc.Http, 404, "unknown_agent_id", msg);
        }
        var body = new JsonObject { ["cancelled"] = outcome.Cancelled, ["agent_id"] = id };
        if (outcome.Cancelled)
        {
            if (outcome.Cascaded.Count > 0) body["cascaded"] = GoJson.StringArray(outcome.Cascaded);
            if (reason.Length > 0) body["reason"] = reason;
        }
        else
        {
            body["status"] = outcome.Target.Status;
        }
        return Responses.JsonAsync(rc.Http, 200, body);
    }

    private static Task ListUserAgentsAsync(RequestContext rc)
    {
        string userId = rc["user_id"];
        if (!Validation.ValidIdent(userId)) return ErrorBodies.PlainAsync(rc.Http, 400, Validation.UserIdMessage);
        if (!rc.StoreConfigured) return ErrorBodies.PlainAsync(rc.Http, 404, "list-by-user requires persistence (Store not configured)");
        string status = rc.Query("status");
        if (status.Length == 0) status = "running";
        var agents = new JsonArray();
        lock (rc.State.SyncRoot)
        {
            foreach (AgentRecord a in rc.State.Agents
                         .Where(a => a.Persisted && a.UserId == userId && (status == "all" || a.Status == status))
                         .OrderByDescending(a => a.StartedAt)
                         .Take(100))
                agents.Add(AgentJson.From(a, rc.NewServer));
        }
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["agents"] = agents });
    }
}
