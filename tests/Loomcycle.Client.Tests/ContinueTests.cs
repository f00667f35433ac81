using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>continueSession (POST /v1/sessions/{id}/messages): client.test.ts cases 8–10 and the server's errors.</summary>
    public sealed class ContinueTests : EngineTest
    {
        public ContinueTests(ServerFixture fixture) : base(fixture) { }

        [Fact]
        public async Task Case08_ContinueSession_PostsToSessionMessages_OneTextFrameOneEvent()
        {
            ReplySse("/v1/sessions/sess-1/messages", Faults.Frame("text", "{\"type\":\"text\",\"text\":\"again to you\"}"));

            List<RunEvent> events = await CollectAsync(Connection.StreamContinueAsync(new ContinueRequest
            {
                SessionId = "sess-1",
                Segments = new[] { new PromptSegment("user", "again") },
            }));

            RecordedRequest request = SingleRequest();
            Assert.Equal("POST", request.Method);
            Assert.Equal("/v1/sessions/sess-1/messages", request.RawTarget);
            JsonAssert.Equal("{\"segments\":[{\"role\":\"user\",\"content\":[{\"type\":\"trusted-text\",\"text\":\"again\"}]}]}", request.Json);
            RunEvent only = Assert.Single(events);
            Assert.Equal("text", only.Type);
            Assert.Equal("again to you", only.Text);
        }

        [Fact]
        public async Task Case09_ContinueSession_IdWithSpaces_EscapedAsOneSegment_EmptyStreamNoEvents()
        {
            Server.Enqueue("POST", "/v1/sessions/sess with spaces/messages", Faults.RawSse(Array.Empty<string>()));

            RunStream stream = await Connection.StartContinueAsync(new ContinueRequest { SessionId = "sess with spaces" });
            List<RunEvent> events = await DrainAsync(stream);

            Assert.Equal("/v1/sessions/sess%20with%20spaces/messages", SingleRequest().RawTarget);
            Assert.Empty(events);
            Assert.False(stream.Result.Completed);
            Assert.False(stream.Result.Succeeded);
            Assert.False(stream.Result.EndedMidFrame);
            Assert.Contains("no done event", stream.Result.FailureReason);
        }

        [Fact]
        public async Task Case10_ContinueSession_AllOptions_BodyHasExactlyTheGivenKeys_NoUserOrTenant()
        {
            ReplySse("/v1/sessions/s1/messages", Faults.Frame("done", "{\"type\":\"done\"}"));

            await CollectAsync(Connection.StreamContinueAsync(new ContinueRequest
            {
                SessionId = "s1",
                AllowedHosts = new[] { "a.com", "b.com" },
                WebSearchFilter = "keep",
                AgentId = "a2",
                UserTier = "free",
                UserBearer = Secure("cont-token-0123456789"),
            }));

            JsonAssert.Equal(
                "{\"segments\":[],\"allowed_hosts\":[\"a.com\",\"b.com\"],\"web_search_filter\":\"keep\",\"agent_id\":\"a2\",\"user_tier\":\"free\",\"user_bearer\":\"cont-token-0123456789\"}",
                SingleRequest().Json);
        }

        [Fact]
        public async Task ContinueSession_ToolsSentUnderBothKeys()
        {
            ReplySse("/v1/sessions/s1/messages", Faults.Frame("done", "{\"type\":\"done\"}"));

            await CollectAsync(Connection.StreamContinueAsync(new ContinueRequest { SessionId = "s1", Prompt = "p", Tools = new[] { "Read", "Web*" } }));

            JsonAssert.Equal(
                "{\"segments\":[{\"role\":\"user\",\"content\":[{\"type\":\"trusted-text\",\"text\":\"p\"}]}],\"tools\":[\"Read\",\"Web*\"],\"allowed_tools\":[\"Read\",\"Web*\"]}",
                SingleRequest().Json);
        }

        [Fact]
        public async Task ContinueSession_UnknownSession_SessionNotFoundWithTarget()
        {
            var ex = await Assert.ThrowsAsync<SessionNotFoundException>(() => Connection.StartContinueAsync(new ContinueRequest { SessionId = "s_nope", Prompt = "x" }));

            Assert.Equal(404, ex.StatusCode);
            Assert.Equal("session not found: s_nope\n", ex.BodyText);
            Assert.Equal("s_nope", ex.Target);
        }

        [Fact]
        public async Task ContinueSession_BusySession_SessionBusyFromJsonCode()
        {
            Server.State.AddSession("s_busy");
            Server.State.SetSessionBusy("s_busy", true);

            var ex = await Assert.ThrowsAsync<SessionBusyException>(() => Connection.StartContinueAsync(new ContinueRequest { SessionId = "s_busy", Prompt = "x" }));

            Assert.Equal(409, ex.StatusCode);
            Assert.Equal("session_busy", ex.Code);
        }

        [Fact]
        public async Task ContinueSession_Body413_InvalidArgumentNotSnapshotTooLarge()
        {
            Server.Enqueue("POST", "/v1/sessions/s1/messages", Faults.PlainText(413, "request body exceeds the 16777216-byte limit"));

            var ex = await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.StartContinueAsync(new ContinueRequest { SessionId = "s1", Prompt = "x" }));

            Assert.Equal(413, ex.StatusCode);
        }

        [Fact]
        public async Task ContinueSession_AgainstFakeServer_StreamsNewRunOnExistingSession()
        {
            Server.State.AddSession("s_cont01", agent: "echo");

            RunStream stream = await Connection.StartContinueAsync(new ContinueRequest { SessionId = "s_cont01", Prompt = "second turn" });
            List<RunEvent> events = await DrainAsync(stream);

            Assert.Equal("session", events[0].Type);
            Assert.Equal("s_cont01", stream.Result.SessionId);
            Assert.Contains("second turn", stream.Result.Text);
            Assert.True(stream.Result.Succeeded);
        }

        [Theory]
        [InlineData("")]
        [InlineData(".")]
        [InlineData("..")]
        public async Task ContinueSession_EmptyOrDotSessionId_RefusedBeforeSending(string id)
        {
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.StartContinueAsync(new ContinueRequest { SessionId = id, Prompt = "x" }));
            Assert.Empty(Server.Requests);
        }
    }
}
