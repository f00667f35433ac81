using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>getAgent, cancelAgent, listUserAgents, getTranscript: client.test.ts cases 11–15 and section 16.1/16.13.</summary>
    public sealed class AgentTests : EngineTest
    {
        public AgentTests(ServerFixture fixture) : base(fixture) { }

        private const string FullAgent =
            "{\"agent_id\":\"a1\",\"run_id\":\"r1\",\"session_id\":\"s1\",\"agent\":\"qa\",\"user_id\":null,\"parent_agent_id\":null," +
            "\"status\":\"running\",\"started_at\":\"2026-05-19T10:11:12.123456789+02:00\",\"completed_at\":null,\"stop_reason\":null,\"error\":null," +
            "\"usage\":{\"input_tokens\":10,\"output_tokens\":20,\"cache_read_tokens\":5,\"model\":\"m1\",\"provider\":\"p1\"}," +
            "\"last_heartbeat_at\":\"0001-01-01T00:00:00Z\",\"live\":true,\"interactive\":true,\"resident_state\":{\"k\": [1, 2]}}";

        [Fact]
        public async Task Case11_GetAgent_GetsAgentsId_ParsesTypedFieldsNullsZeroTimesAndUnknownFields()
        {
            Reply("GET", "/v1/agents/a1", 200, FullAgent);

            Agent agent = await Connection.GetAgentAsync("a1");

            RecordedRequest request = SingleRequest();
            Assert.Equal("GET", request.Method);
            Assert.Equal("/v1/agents/a1", request.RawTarget);
            Assert.Empty(request.Body);
            Assert.Equal("a1", agent.AgentId);
            Assert.Equal("r1", agent.RunId);
            Assert.Equal("s1", agent.SessionId);
            Assert.Equal("qa", agent.AgentName);
            Assert.Equal("running", agent.Status);
            Assert.Null(agent.UserId);
            Assert.Null(agent.ParentAgentId);
            Assert.Null(agent.CompletedAt);
            Assert.Null(agent.StopReason);
            Assert.Null(agent.Error);
            // Go nanoseconds and a non-Z offset (SQLite local zone); the zero time becomes null.
            Assert.Equal(new DateTimeOffset(2026, 5, 19, 10, 11, 12, TimeSpan.FromHours(2)).AddTicks(1234567), agent.StartedAt);
            Assert.Null(agent.LastHeartbeatAt);
            Assert.True(agent.Live);
            Assert.Equal(10, agent.Usage!.InputTokens);
            Assert.Equal(20, agent.Usage.OutputTokens);
            Assert.Equal(5, agent.Usage.CacheReadTokens);
            Assert.Null(agent.Usage.CacheCreationTokens);
            Assert.Equal("m1", agent.Usage.Model);
            Assert.Equal("p1", agent.Usage.Provider);
            // Fields a newer server adds are kept, raw JSON exactly as sent.
            Assert.True(agent.AdditionalProperties!["interactive"].GetBoolean());
            Assert.Equal("{\"k\": [1, 2]}", agent.AdditionalProperties["resident_state"].GetRawText());
        }

        [Fact]
        public async Task Case11b_GetAgent_OptionalFieldsAbsent_AsTheServerSendsThem()
        {
            Server.State.AddAgent("a_seeded01", userId: "u9", status: "completed");

            Agent agent = await Connection.GetAgentAsync("a_seeded01");

            Assert.Equal("completed", agent.Status);
            Assert.Equal("u9", agent.UserId);
            Assert.Equal("echo", agent.AgentName);
            Assert.Equal("end_turn", agent.StopReason);
            Assert.NotNull(agent.CompletedAt);
            Assert.Null(agent.ParentAgentId);
            Assert.Null(agent.Error);
        }

        [Fact]
        public async Task Case12_GetAgent_404NoRunFound_AgentNotFoundException()
        {
            Server.Enqueue("GET", "/v1/agents/a1", Faults.PlainText(404, "no run found for agent_id"));

            var ex = await Assert.ThrowsAsync<AgentNotFoundException>(() => Connection.GetAgentAsync("a1"));

            Assert.Equal(404, ex.StatusCode);
            Assert.Equal("a1", ex.Target);
        }

        [Fact]
        public async Task Case12b_GetAgent_ServersJson404UnknownAgentId_AgentNotFoundWithCode()
        {
            var ex = await Assert.ThrowsAsync<AgentNotFoundException>(() => Connection.GetAgentAsync("a_missing"));

            Assert.Equal("unknown_agent_id", ex.Code);
            Assert.Equal("{\"code\":\"unknown_agent_id\",\"error\":\"no run found for agent_id \\\"a_missing\\\"\"}", ex.BodyText);
            Assert.Contains("no run found for agent_id \"a_missing\"", ex.Message);
        }

        [Fact]
        public async Task Case13_CancelAgent_SendsReason_ReadsServerCancelledCountWhenPresent()
        {
            Reply("POST", "/v1/agents/a1/cancel", 200, "{\"cancelled_count\":3}");

            CancelAgentResult result = await Connection.CancelAgentAsync("a1", "user requested");

            RecordedRequest request = SingleRequest();
            Assert.Equal("POST", request.Method);
            Assert.Equal("/v1/agents/a1/cancel", request.RawTarget);
            JsonAssert.Equal("{\"reason\":\"user requested\"}", request.Json);
            Assert.Equal(3, result.CancelledCount);
            Assert.Equal("a1", result.AgentId);
        }

        [Fact]
        public async Task Case13b_CancelAgent_ServerShape_CancelledCountDerivedFromCancelledAndCascaded()
        {
            Reply("POST", "/v1/agents/a1/cancel", 200, "{\"cancelled\":true,\"agent_id\":\"a1\",\"cascaded\":[\"c1\",\"c2\"],\"reason\":\"stop\"}");

            CancelAgentResult result = await Connection.CancelAgentAsync("a1", "stop");

            Assert.True(result.Cancelled);
            Assert.Equal(new[] { "c1", "c2" }, result.Cascaded);
            Assert.Equal(3, result.CancelledCount);
            Assert.Equal("stop", result.Reason);
        }

        [Fact]
        public async Task Case13c_CancelAgent_AlreadyEnded_CancelledFalseCountZeroStatusKept()
        {
            Reply("POST", "/v1/agents/a1/cancel", 200, "{\"cancelled\":false,\"agent_id\":\"a1\",\"status\":\"completed\"}");

            CancelAgentResult result = await Connection.CancelAgentAsync("a1");

            Assert.Empty(SingleRequest().Body); // no reason: no body at all
            Assert.False(result.Cancelled);
            Assert.Equal(0, result.CancelledCount);
            Assert.Equal("completed", result.Status);
        }

        [Fact]
        public async Task Case13d_CancelAgent_AgainstFakeServer_LiveRunWithChildCascades()
        {
            Server.State.AddAgent("a_parent01", live: true);
            Server.State.AddAgent("a_child01", parentAgentId: "a_parent01", live: true);

            CancelAgentResult result = await Connection.CancelAgentAsync("a_parent01", "tidy up");

            Assert.True(result.Cancelled);
            Assert.Equal(new[] { "a_child01" }, result.Cascaded);
            Assert.Equal(2, result.CancelledCount);
            Assert.Equal("cancelled", Server.State.FindAgent("a_child01")!.Status);
        }

        [Fact]
        public async Task CancelAgent_UnknownAgent_AgentNotFound()
        {
            var ex = await Assert.ThrowsAsync<AgentNotFoundException>(() => Connection.CancelAgentAsync("a_ghost"));
            Assert.Equal("unknown_agent_id", ex.Code);
        }

        [Fact]
        public async Task Case14_ListUserAgents_StatusQuery_UnwrapsEmptyList()
        {
            Reply("GET", "/v1/users/u1/agents", 200, "{\"agents\":[]}");

            Agent[] agents = await Connection.ListUserAgentsAsync("u1", "running");

            Assert.Equal("/v1/users/u1/agents?status=running", SingleRequest().RawTarget);
            Assert.Empty(agents);
        }

        [Fact]
        public async Task ListUserAgents_NoStatus_NoQuery_ListUnwrapped()
        {
            Reply("GET", "/v1/users/u1/agents", 200, "{\"agents\":[" + FullAgent + "," + FullAgent.Replace("\"a1\"", "\"a2\"") + "]}");

            Agent[] agents = await Connection.ListUserAgentsAsync("u1");

            Assert.Equal("/v1/users/u1/agents", SingleRequest().RawTarget);
            Assert.Equal(new[] { "a1", "a2" }, agents.Select(a => a.AgentId));
        }

        [Fact]
        public async Task Case15_GetTranscript_SessionAndEventsParsed()
        {
            Reply("GET", "/v1/sessions/s1/transcript", 200,
                "{\"session\":{\"id\":\"s1\",\"tenant_id\":\"default\",\"user_id\":\"u1\",\"agent\":\"qa\",\"created_at\":\"2026-05-19T00:00:00Z\",\"archived_at\":\"0001-01-01T00:00:00Z\"},\"events\":[]}");

            Transcript transcript = await Connection.GetTranscriptAsync("s1");

            RecordedRequest request = SingleRequest();
            Assert.Equal("GET", request.Method);
            Assert.Equal("/v1/sessions/s1/transcript", request.RawTarget);
            Assert.Equal("s1", transcript.Session.Id);
            Assert.Equal("s1", transcript.SessionId);
            Assert.Equal("default", transcript.Session.TenantId);
            Assert.Equal("qa", transcript.Session.AgentName);
            Assert.Equal(new DateTimeOffset(2026, 5, 19, 0, 0, 0, TimeSpan.Zero), transcript.Session.CreatedAt);
            Assert.Equal("0001-01-01T00:00:00Z", transcript.Session.AdditionalProperties!["archived_at"].GetString());
            Assert.Empty(transcript.Events);
        }

        [Fact]
        public async Task GetTranscript_EventsWithPayloadAndToolInputKeptExactly()
        {
            Reply("GET", "/v1/sessions/s1/transcript", 200,
                "{\"session\":{\"id\":\"s1\",\"agent\":\"qa\",\"created_at\":\"2026-05-19T00:00:00Z\"},\"events\":[" +
                "{\"seq\":1,\"run_id\":\"r1\",\"ts_ns\":1779148800123456789,\"type\":\"user_input\",\"event\":{\"type\":\"user_input\"},\"payload\":[{\"role\":\"user\",\"content\":[]}]}," +
                "{\"seq\":2,\"run_id\":\"r1\",\"ts_ns\":1779148800200000000,\"type\":\"tool_call\",\"event\":{\"type\":\"tool_call\",\"tool_use\":{\"id\":\"t1\",\"name\":\"Read\",\"input\":{\"path\": \"/x\"}}}}]}");

            Transcript transcript = await Connection.GetTranscriptAsync("s1");

            Assert.Equal(2, transcript.Events.Length);
            Assert.Equal("user_input", transcript.Events[0].Type);
            Assert.Equal("[{\"role\":\"user\",\"content\":[]}]", transcript.Events[0].Payload);
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1779148800123).AddTicks(4567), transcript.Events[0].Timestamp);
            Assert.Equal(2, transcript.Events[1].Seq);
            Assert.Equal("{\"path\": \"/x\"}", transcript.Events[1].Event!.ToolUse!.Input);
            Assert.Null(transcript.Events[1].Payload);
        }

        [Fact]
        public async Task GetTranscript_UnknownSession_SessionNotFound()
        {
            var ex = await Assert.ThrowsAsync<SessionNotFoundException>(() => Connection.GetTranscriptAsync("s_gone"));
            Assert.Equal(404, ex.StatusCode);
        }

        [Fact]
        public async Task CancelAgent_AReasonWhoseBodyIsOver1KiB_RefusedBeforeSending_EscapesCounted()
        {
            // {"reason":"…"} is 13 bytes around the text. 200 Cyrillic letters are 400 bytes of UTF-8 but 1 200 once JSON
            // escapes them: the server would drop that body and record "cancelled by api".
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.CancelAgentAsync("a1", new string('r', 1012)));
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.CancelAgentAsync("a1", new string('\u0416', 200)));
            Assert.Empty(Server.Requests);

            Reply("POST", "/v1/agents/a1/cancel", 200, "{\"cancelled\":true,\"agent_id\":\"a1\"}");
            await Connection.CancelAgentAsync("a1", new string('r', 1011));
            Assert.Equal(1024, SingleRequest().Body.Length);
        }
    }
}
