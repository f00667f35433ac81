using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>runStreaming (POST /v1/runs): client.test.ts cases 1–7, adjusted to the server (spec §15, §16).</summary>
    public sealed class RunTests : EngineTest
    {
        private const string Token = "run-tests-canary-token-5f1c";

        public RunTests(ServerFixture fixture) : base(fixture) { }

        private static readonly string ThreeFrames =
            Faults.Frame("started", "{\"type\":\"started\"}") +
            Faults.Frame("text", "{\"type\":\"text\",\"text\":\"hi\"}") +
            Faults.Frame("done", "{\"type\":\"done\",\"usage\":{\"input_tokens\":3,\"output_tokens\":1},\"stop_reason\":\"end_turn\"}");

        [Fact]
        public async Task Case01_RunStreaming_PostsRunsWithBearerAcceptAndExactBody_ToolsSentUnderBothKeys()
        {
            ReplySse("/v1/runs", ThreeFrames);
            LoomcycleConnection connection = Connect(Token);

            List<RunEvent> events = await CollectAsync(connection.StreamRunAsync(new RunRequest
            {
                Agent = "qa-agent",
                Segments = new[] { new PromptSegment("user", "hi") },
                Tools = new[] { "Read" },
            }));

            RecordedRequest request = SingleRequest();
            Assert.Equal("POST", request.Method);
            Assert.Equal("/v1/runs", request.RawTarget);
            Assert.Equal("Bearer " + Token, request.Header("Authorization"));
            Assert.Contains("text/event-stream", request.Header("Accept"));
            Assert.Contains("application/json", request.Header("Accept"));
            Assert.StartsWith("application/json", request.ContentType);
            // Section 16.2: NEW reads "tools", OLD reads "allowed_tools"; both are sent.
            JsonAssert.Equal(
                "{\"agent\":\"qa-agent\",\"segments\":[{\"role\":\"user\",\"content\":[{\"type\":\"trusted-text\",\"text\":\"hi\"}]}],\"tools\":[\"Read\"],\"allowed_tools\":[\"Read\"]}",
                request.Json);

            Assert.Equal(3, events.Count);
            Assert.Equal("started", events[0].Type);
            Assert.Equal("hi", events[1].Text);
            Assert.Equal("end_turn", events[2].StopReason);
            Assert.Equal(new[] { 1, 2, 3 }, events.Select(e => e.Sequence));
        }

        [Fact]
        public async Task Case02_RunStreaming_401_ThrowsAuthExceptionBeforeAnyEvent()
        {
            Server.Enqueue("POST", "/v1/runs", Faults.PlainText(401, "invalid token"));

            var ex = await Assert.ThrowsAsync<AuthException>(() => Connection.StartRunAsync(new RunRequest { Agent = "qa", Prompt = "x" }));

            Assert.Equal(401, ex.StatusCode);
            Assert.Equal("invalid token\n", ex.BodyText);
            Assert.Null(ex.Code);
            Assert.Contains("invalid token", ex.Message);
        }

        [Fact]
        public async Task Case03_RunStreaming_429QueueFull_ThrowsBackpressureException()
        {
            Server.Enqueue("POST", "/v1/runs", Faults.PlainText(429, "queue full"));

            var ex = await Assert.ThrowsAsync<BackpressureException>(() => Connection.StartRunAsync(new RunRequest { Agent = "qa", Prompt = "x" }));

            Assert.Equal(429, ex.StatusCode);
            Assert.Single(Server.Requests);
        }

        [Fact]
        public async Task Case03b_RunStreaming_ServersJson429Backpressure_ThrowsBackpressureExceptionWithCode()
        {
            // OLD labels this JSON text/plain; the code is read whatever the content type.
            Server.Enqueue("POST", "/v1/runs", Faults.Status(429, "text/plain; charset=utf-8", "{\"code\":\"backpressure\",\"error\":\"queue timeout\"}"));

            var ex = await Assert.ThrowsAsync<BackpressureException>(() => Connection.StartRunAsync(new RunRequest { Agent = "qa", Prompt = "x" }));

            Assert.Equal("backpressure", ex.Code);
            Assert.Contains("queue timeout", ex.Message);
        }

        [Fact]
        public async Task Case04_RunStreaming_AllOptions_BodyHasExactlyTheGivenKeys()
        {
            ReplySse("/v1/runs", Faults.Frame("done", "{\"type\":\"done\",\"stop_reason\":\"end_turn\"}"));

            // The server refuses user bearers under 16 characters, so the reference value is lengthened.
            await CollectAsync(Connection.StreamRunAsync(new RunRequest
            {
                Agent = "qa",
                AllowedHosts = new[] { "example.com" },
                WebSearchFilter = "drop",
                SessionId = "s1",
                TenantId = "t1",
                UserId = "u1",
                AgentId = "a1",
                UserTier = "high",
                UserBearer = Secure("user-token-xyz-0123"),
            }));

            JsonAssert.Equal(
                "{\"agent\":\"qa\",\"segments\":[],\"allowed_hosts\":[\"example.com\"],\"web_search_filter\":\"drop\",\"session_id\":\"s1\"," +
                "\"tenant_id\":\"t1\",\"user_id\":\"u1\",\"agent_id\":\"a1\",\"user_tier\":\"high\",\"user_bearer\":\"user-token-xyz-0123\"}",
                SingleRequest().Json);
        }

        [Fact]
        public async Task Case05_RunStreaming_AllowedHostsNull_NoAllowedHostsKey()
        {
            ReplySse("/v1/runs", Faults.Frame("done", "{\"type\":\"done\"}"));

            await CollectAsync(Connection.StreamRunAsync(new RunRequest { Agent = "qa", Prompt = "p", AllowedHosts = null, Tools = null }));

            Assert.Equal(new[] { "agent", "segments" }, JsonAssert.Keys(SingleRequest().Json));
        }

        [Fact]
        public async Task Case06_RunStreaming_AllowedHostsEmpty_SentAsEmptyArray_ToolsEmptyUnderBothKeys()
        {
            ReplySse("/v1/runs", Faults.Frame("done", "{\"type\":\"done\"}"));

            await CollectAsync(Connection.StreamRunAsync(new RunRequest { Agent = "qa", Prompt = "p", AllowedHosts = Array.Empty<string>(), Tools = Array.Empty<string>() }));

            JsonAssert.Equal(
                "{\"agent\":\"qa\",\"segments\":[{\"role\":\"user\",\"content\":[{\"type\":\"trusted-text\",\"text\":\"p\"}]}],\"allowed_hosts\":[],\"tools\":[],\"allowed_tools\":[]}",
                SingleRequest().Json);
        }

        [Fact]
        public async Task Case07_RunStreaming_SideChannelAndRetryFrames_TypesBackFilledAndFieldsParsed()
        {
            ReplySse("/v1/runs",
                Faults.Frame("started", "{\"type\":\"started\"}"),
                Faults.Frame("retry", "{\"type\":\"retry\",\"retry\":{\"provider\":\"anthropic\",\"attempt\":1,\"wait_ms\":2000,\"reason\":\"retry-after header\"}}"),
                Faults.Frame("session", "{\"text\":\"s-123\"}"),
                Faults.Frame("agent", "{\"agent_id\":\"a-1\",\"run_id\":\"r-1\",\"session_id\":\"s-123\",\"parent_agent_id\":null}"),
                Faults.Frame("host_widened", "{\"type\":\"host_widened\",\"host_widening\":{\"tool_call_id\":\"t1\",\"tool_name\":\"WebFetch\",\"url\":\"https://x.com/\",\"hook_owner\":\"o\",\"hook_name\":\"n\",\"hosts_added\":[\"x.com\"]}}"),
                Faults.Frame("done", "{\"type\":\"done\",\"stop_reason\":\"end_turn\"}"));

            RunStream stream = await Connection.StartRunAsync(new RunRequest { Agent = "qa", Prompt = "p" });
            List<RunEvent> events = await DrainAsync(stream);

            Assert.Equal(new[] { "started", "retry", "session", "agent", "host_widened", "done" }, events.Select(e => e.Type));
            Assert.Equal("anthropic", events[1].Retry!.Provider);
            Assert.Equal(1, events[1].Retry!.Attempt);
            Assert.Equal(2000, events[1].Retry!.WaitMs);
            Assert.Equal("retry-after header", events[1].Retry!.Reason);
            Assert.Equal("s-123", events[2].Text);
            Assert.Equal("s-123", events[2].SessionId);
            Assert.Equal("a-1", events[3].AgentId);
            Assert.Equal("r-1", events[3].RunId);
            Assert.Null(events[3].ParentAgentId);
            Assert.Equal(new[] { "x.com" }, events[4].HostWidening!.HostsAdded);
            Assert.Equal("WebFetch", events[4].HostWidening!.ToolName);

            Assert.True(stream.Result.Succeeded);
            Assert.Equal("s-123", stream.Result.SessionId);
            Assert.Equal("a-1", stream.Result.AgentId);
            Assert.Equal("r-1", stream.Result.RunId);
            Assert.Equal("end_turn", stream.Result.StopReason);
            Assert.False(stream.Result.EndedMidFrame);
        }

        [Fact]
        public async Task RunStreaming_AgainstFakeServerEchoAgent_RealFrameOrderAndResult()
        {
            RunStream stream = await Connection.StartRunAsync(new RunRequest { Agent = "echo", Prompt = "hello there" });
            List<RunEvent> events = await DrainAsync(stream);

            Assert.Equal(new[] { "session", "agent", "started" }, events.Take(3).Select(e => e.Type));
            Assert.Equal("done", events.Last().Type);
            Assert.Contains("hello there", stream.Result.Text);
            Assert.True(stream.Result.Succeeded);
            Assert.StartsWith("a_", stream.Result.AgentId);
            Assert.StartsWith("s_", stream.Result.SessionId);
            Assert.Equal(events.Count, stream.Result.EventCount);
        }

        [Fact]
        public async Task RunStreaming_SystemPromptSegmentsAndPrompt_SentInThatOrder()
        {
            ReplySse("/v1/runs", Faults.Frame("done", "{\"type\":\"done\"}"));

            await CollectAsync(Connection.StreamRunAsync(new RunRequest
            {
                Agent = "qa",
                SystemPrompt = "be brief",
                Segments = new[]
                {
                    new PromptSegment
                    {
                        Role = "user",
                        Content = new List<PromptContent> { new PromptContent { Type = "untrusted-block", Text = "<page>", Kind = "web_content", Cacheable = true } },
                    },
                },
                Prompt = "summarise",
            }));

            JsonAssert.Equal(
                "{\"agent\":\"qa\",\"segments\":[" +
                "{\"role\":\"system\",\"content\":[{\"type\":\"trusted-text\",\"text\":\"be brief\"}]}," +
                "{\"role\":\"user\",\"content\":[{\"type\":\"untrusted-block\",\"text\":\"<page>\",\"cacheable\":true,\"kind\":\"web_content\"}]}," +
                "{\"role\":\"user\",\"content\":[{\"type\":\"trusted-text\",\"text\":\"summarise\"}]}]}",
                SingleRequest().Json);
        }

        [Fact]
        public async Task RunStreaming_UnknownAgent400_InvalidArgumentWithPlainTextBody()
        {
            // The fake server's real route: plain-text 400 from the admission checks.
            var ex = await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.StartRunAsync(new RunRequest { Agent = "no-such-agent", Prompt = "x" }));

            Assert.Equal(400, ex.StatusCode);
            Assert.Equal("unknown agent \"no-such-agent\"\n", ex.BodyText);
        }

        [Fact]
        public async Task RunStreaming_AgentIdInUse409_AgentIdInUseException()
        {
            Server.State.AddAgent("busy-agent", live: true);

            var ex = await Assert.ThrowsAsync<AgentIdInUseException>(() => Connection.StartRunAsync(new RunRequest { Agent = "echo", Prompt = "x", AgentId = "busy-agent" }));

            Assert.Equal(409, ex.StatusCode);
            Assert.Equal("agent_id_in_use", ex.Code);
        }

        [Fact]
        public async Task RunStreaming_UnknownSession404_SessionNotFoundException()
        {
            var ex = await Assert.ThrowsAsync<SessionNotFoundException>(() => Connection.StartRunAsync(new RunRequest { Agent = "echo", Prompt = "x", SessionId = "s_missing" }));

            Assert.Equal(404, ex.StatusCode);
        }

        [Fact]
        public async Task RunStreaming_RuntimePaused503_UnavailableNotPauseNotConfigured()
        {
            Server.Enqueue("POST", "/v1/runs", Faults.Json(503, "runtime_paused", "runtime is paused (snapshot quiesce); retry after resume"));

            var ex = await Assert.ThrowsAsync<UnavailableException>(() => Connection.StartRunAsync(new RunRequest { Agent = "echo", Prompt = "x" }));

            Assert.IsNotType<PauseNotConfiguredException>(ex);
            Assert.Equal("runtime_paused", ex.Code);
        }

        [Fact]
        public async Task RunStreaming_WrongContentType_ProtocolExceptionWithBodyExcerpt()
        {
            Server.Enqueue("POST", "/v1/runs", Faults.WrongContentType());

            var ex = await Assert.ThrowsAsync<LoomcycleProtocolException>(() => Connection.StartRunAsync(new RunRequest { Agent = "echo", Prompt = "x" }));

            Assert.Equal(200, ex.StatusCode);
            Assert.Contains("application/json", ex.Message);
            Assert.Equal("{\"ok\":true}\n", ex.BodyText);
        }

        [Theory]
        [InlineData("bad id")]
        [InlineData("../x")]
        public async Task RunStreaming_InvalidAgentIdOrUserId_RefusedBeforeSending(string id)
        {
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.StartRunAsync(new RunRequest { Agent = "echo", Prompt = "x", AgentId = id }));
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.StartRunAsync(new RunRequest { Agent = "echo", Prompt = "x", UserId = id }));
            Assert.Empty(Server.Requests);
        }

        [Fact]
        public async Task RunStreaming_MissingAgent_ShortUserBearer_BadRole_RefusedBeforeSending()
        {
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.StartRunAsync(new RunRequest { Agent = " ", Prompt = "x" }));
            var bearer = await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.StartRunAsync(new RunRequest { Agent = "echo", Prompt = "x", UserBearer = Secure("short-secret") }));
            Assert.DoesNotContain("short-secret", bearer.Message);
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.StartRunAsync(new RunRequest { Agent = "echo", Segments = new[] { new PromptSegment("assistant", "x") } }));
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.StartRunAsync(new RunRequest { Agent = "echo", Prompt = "x", WebSearchFilter = "maybe" }));
            Assert.Empty(Server.Requests);
        }
    }
}
