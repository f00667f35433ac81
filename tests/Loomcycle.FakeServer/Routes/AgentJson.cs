using System.Text.Json.Nodes;
using Loomcycle.FakeServer.Json;

namespace Loomcycle.FakeServer.Routes;

/// <summary>The server's agentResponse (spec §3): optional fields are absent, never null.</summary>
internal static class AgentJson
{
    public static JsonObject From(AgentRecord a, bool newServer)
    {
        var o = new JsonObject
        {
            ["agent_id"] = a.AgentId,
            ["run_id"] = a.RunId,
            ["session_id"] = a.SessionId,
        };
        if (!string.IsNullOrEmpty(a.Agent)) o["agent"] = a.Agent;
        if (!string.IsNullOrEmpty(a.UserId)) o["user_id"] = a.UserId;
        if (!string.IsNullOrEmpty(a.ParentAgentId)) o["parent_agent_id"] = a.ParentAgentId;
        o["status"] = a.Status;
        o["started_at"] = GoJson.Time(a.StartedAt);
        if (a.CompletedAt is { } c) o["completed_at"] = GoJson.Time(c);
        if (!string.IsNullOrEmpty(a.StopReason)) o["stop_reason"] = a.StopReason;
        if (!string.IsNullOrEmpty(a.Error)) o["error"] = a.Error;
        var usage = new JsonObject { ["input_tokens"] = a.InputTokens, ["output_tokens"] = a.OutputTokens };
        if (a.CacheCreationTokens is { } cc && cc != 0) usage["cache_creation_tokens"] = cc;
        if (a.CacheReadTokens is { } cr && cr != 0) usage["cache_read_tokens"] = cr;
        if (!string.IsNullOrEmpty(a.Model)) usage["model"] = a.Model;
        if (newServer && !string.IsNullOrEmpty(a.Model)) usage["provider"] = "fake";
        o["usage"] = usage;
        if (a.LastHeartbeatAt is { } hb) o["last_heartbeat_at"] = GoJson.Time(hb);
        o["live"] = a.Live;
        return o;
    }
}
