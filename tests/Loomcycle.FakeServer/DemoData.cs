using System;

namespace Loomcycle.FakeServer;

/// <summary>Sample data for the standalone demo (<c>--demo</c>): snapshots, memory rows, a hook, runs and a pending interrupt for <c>u1</c>.</summary>
public static class DemoData
{
    public static void Seed(FakeState state)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;

        state.AddMemory("agent", "researcher", "notes/2026/plan", "{\"steps\":[\"collect\",\"summarise\"],\"owner\":\"u1\"}");
        state.AddMemory("agent", "researcher", "events/2026", "[\"kickoff\",\"review\"]");
        state.AddMemory("agent", "researcher", "greeting", "\"hello from memory\"");
        state.AddMemory("user", "u1", "preferences", "{\"language\":\"en\",\"tone\":\"brief\"}", now.AddDays(7));

        state.AddSnapshot("snap_1767225600000_0a1b2c3d",
            "{\"schema_version\":1,\"created_at\":\"2026-01-01T00:00:00.000Z\",\"sections\":{\"agent_defs\":{\"version\":\"1.0\",\"rows\":[]},\"memory\":{\"version\":\"1.0\",\"rows\":[{\"scope\":\"agent\",\"scope_id\":\"researcher\",\"key\":\"greeting\",\"value\":\"hello from memory\",\"expires_at\":\"0001-01-01T00:00:00Z\",\"created_at\":\"2026-01-01T00:00:00Z\",\"updated_at\":\"2026-01-01T00:00:00Z\"}]}}}",
            "before-deploy", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        state.AddSnapshot("snap_1767312000000_4e5f6a7b",
            "{\"schema_version\":1,\"created_at\":\"2026-01-02T00:00:00.000Z\",\"sections\":{\"agent_defs\":{\"version\":\"1.0\",\"rows\":[]},\"memory\":{\"version\":\"1.0\",\"rows\":[]}}}",
            "nightly-prod", new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero));

        state.AddHook(new HookRecord
        {
            Owner = "jobs-search-web",
            Name = "scan",
            Phase = "pre",
            Tools = new[] { "WebFetch" },
            CallbackUrl = "https://callback.local/h",
            FailMode = "open",   // unreachable here: fail open, so the demo's WebFetch still runs
            TimeoutMs = 2500,
        });

        AgentRecord parent = state.AddAgent(new AgentRecord
        {
            AgentId = "a_demo_parent",
            Agent = "researcher",
            UserId = "u1",
            Status = "running",
            Live = true,
            StartedAt = now.AddMinutes(-5),
            LastHeartbeatAt = now,
            InputTokens = 120,
            OutputTokens = 48,
            Model = "fake-model",
        });
        state.AddAgent(new AgentRecord
        {
            AgentId = "a_demo_child",
            Agent = "summariser",
            UserId = "u1",
            ParentAgentId = parent.AgentId,
            Status = "running",
            Live = true,
            StartedAt = now.AddMinutes(-4),
        });
        state.AddAgent(new AgentRecord
        {
            AgentId = "a_demo_done",
            Agent = "echo",
            UserId = "u1",
            Status = "completed",
            StopReason = "end_turn",
            StartedAt = now.AddHours(-1),
            CompletedAt = now.AddHours(-1).AddSeconds(3),
            InputTokens = 10,
            OutputTokens = 3,
            Model = "fake-echo",
        });

        state.AddInterrupt(new InterruptRecord
        {
            InterruptId = "intr_demo0000000000000000",
            RunId = parent.RunId,
            Question = "Deploy to production?",
            OptionsJson = "[\"yes\",\"no\"]",
            UserId = "u1",
            AgentId = parent.AgentId,
            AgentName = parent.Agent,
            CreatedAt = now.AddMinutes(-1),
        });

        // Resident sub-agents (GET /v1/_resident): one working, one idle.
        state.AddResident(new ResidentRecord { ChildRunId = "r_resident0000001", AgentId = "a_resident0000001", Agent = "helper", ParentAgentId = parent.AgentId, State = "running", LastUsedAt = now.AddSeconds(-5) });
        state.AddResident(new ResidentRecord { ChildRunId = "r_resident0000002", AgentId = "a_resident0000002", Agent = "helper", ParentAgentId = parent.AgentId, State = "idle", LastUsedAt = now.AddMinutes(-12) });
        AdminDemoData.Seed(state);
    }
}
