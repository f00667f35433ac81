using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    public sealed class SendMessageTests : IClassFixture<ServerAndSession>
    {
        private readonly ServerAndSession _fixture;

        public SendMessageTests(ServerAndSession fixture)
        {
            _fixture = fixture;
        }

        [Fact]
        public void ARunResultPipesIntoSendMessageWhichContinuesItsSession()
        {
            _fixture.Server.ClearRequests();
            var result = _fixture.Session.Run("Invoke-LoomcycleRun echo 'first turn' -AsResult | Send-LoomcycleMessage -Prompt 'second turn' -AsResult");
            result.ThrowIfErrors();
            PSObject second = Assert.Single(result.Output);
            Assert.Equal("second turn", second.Str("Text"));

            var requests = _fixture.Server.Requests.Select(r => (r.Method, r.Path)).ToList();
            string sessionId = second.Str("SessionId")!;
            Assert.Equal(new[] { ("POST", "/v1/runs"), ("POST", $"/v1/sessions/{sessionId}/messages") }, requests);
            JsonElement body = JsonDocument.Parse(_fixture.Server.Requests[1].Body).RootElement;
            Assert.False(body.TryGetProperty("user_id", out _)); // continuations inherit user and tenant
            Assert.Equal("second turn", body.GetProperty("segments")[0].GetProperty("content")[0].GetProperty("text").GetString());
        }

        [Fact]
        public void AnUnknownSessionIsASessionNotFoundErrorWithTheIdAsTarget()
        {
            var result = _fixture.Session.Run("Send-LoomcycleMessage -SessionId s_missing -Prompt hi");
            ErrorRecord error = Assert.Single(result.Errors);
            Assert.Equal("SessionNotFound,Loomcycle.PowerShell.Commands.SendLoomcycleMessageCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            Assert.Equal("s_missing", error.TargetObject);
        }

        [Fact]
        public void PipedPromptsStartOneRunEach()
        {
            _fixture.Server.ClearRequests();
            var result = _fixture.Session.Run("'one', 'two' | Invoke-LoomcycleRun -Agent echo -AsResult");
            result.ThrowIfErrors();
            Assert.Equal(new[] { "one", "two" }, result.Output.Select(o => o.Str("Text")));
            Assert.Equal(2, _fixture.Server.Requests.Count(r => r.Path == "/v1/runs"));
        }

        [Fact]
        public void AnUnknownAgentFailsBeforeTheStreamWithInvalidArgument()
        {
            var result = _fixture.Session.Run("Invoke-LoomcycleRun -Agent nosuchagent -Prompt hi");
            ErrorRecord error = Assert.Single(result.Errors);
            Assert.Equal("InvalidArgument,Loomcycle.PowerShell.Commands.InvokeLoomcycleRunCommand", error.FullyQualifiedErrorId);
            Assert.Contains("unknown agent", error.Exception.Message);
            Assert.Empty(result.Output);
        }

        [Fact]
        public void InvalidIdsAreRefusedBeforeAnythingIsSent()
        {
            _fixture.Server.ClearRequests();
            var result = _fixture.Session.Run("Invoke-LoomcycleRun echo hi -AgentId '../x'; Send-LoomcycleMessage -SessionId '..' -Prompt hi");
            Assert.Equal(2, result.Errors.Count);
            Assert.All(result.Errors, e => Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category));
            Assert.Empty(_fixture.Server.Requests);
        }
    }
}
