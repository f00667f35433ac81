using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>Get-/Stop-LoomcycleAgent, Get-LoomcycleTranscript and Get-LoomcycleUser against the fake server.</summary>
    public sealed class AgentCmdletTests : IClassFixture<ServerAndSession>
    {
        private readonly ServerAndSession _fixture;

        public AgentCmdletTests(ServerAndSession fixture)
        {
            _fixture = fixture;
            _fixture.Server.Reset();
        }

        [Fact]
        public void GetByIdSendsOneGetAndWritesTheAgent()
        {
            _fixture.Server.State.AddAgent("a_one", userId: "u1", status: "completed");
            var result = _fixture.Session.Run("Get-LoomcycleAgent a_one").ThrowIfErrors();
            Assert.Equal(new[] { "GET /v1/agents/a_one" }, _fixture.Server.Wire());
            PSObject agent = Assert.Single(result.Output);
            Assert.Equal("Loomcycle.Agent", agent.TypeName());
            Assert.Equal("a_one", agent.Str("AgentId"));
            Assert.Equal("completed", agent.Str("Status"));
            Assert.Equal("u1", agent.Str("UserId"));
        }

        [Fact]
        public void AnUnknownAgentIsAgentNotFoundWithTheIdAsTarget()
        {
            var result = _fixture.Session.Run("Get-LoomcycleAgent a_missing");
            result.AssertSingleError("AgentNotFound", "GetLoomcycleAgentCommand", ErrorCategory.ObjectNotFound, "a_missing");
        }

        [Fact]
        public void AnInvalidAgentIdFailsBeforeSending()
        {
            _fixture.Server.State.AddAgent("a_ok");
            var result = _fixture.Session.Run("'a/b', '..', 'a_ok' | ForEach-Object { [pscustomobject]@{ AgentId = $_ } } | Get-LoomcycleAgent");
            Assert.Equal(new[] { "GET /v1/agents/a_ok" }, _fixture.Server.Wire());
            Assert.Equal(2, result.Errors.Count);
            CmdletTestHelpers.AssertError(result.Errors[0], "InvalidArgument", "GetLoomcycleAgentCommand", ErrorCategory.InvalidArgument, "a/b");
            CmdletTestHelpers.AssertError(result.Errors[1], "InvalidArgument", "GetLoomcycleAgentCommand", ErrorCategory.InvalidArgument, "..");
        }

        [Fact]
        public void ListByUserSendsTheStatusAndWritesEachAgent()
        {
            _fixture.Server.State.AddAgent("a_r1", userId: "u1", status: "running");
            _fixture.Server.State.AddAgent("a_c1", userId: "u1", status: "completed");
            _fixture.Server.State.AddAgent("a_other", userId: "u2", status: "running");

            var all = _fixture.Session.Run("Get-LoomcycleAgent -UserId u1 -Status all").ThrowIfErrors();
            var running = _fixture.Session.Run("Get-LoomcycleAgent -UserId u1").ThrowIfErrors();

            Assert.Equal(new[] { "GET /v1/users/u1/agents?status=all", "GET /v1/users/u1/agents" }, _fixture.Server.Wire());
            Assert.Equal(new[] { "a_c1", "a_r1" }, all.Output.Select(o => o.Str("AgentId")).OrderBy(x => x));
            Assert.Equal("a_r1", Assert.Single(running.Output).Str("AgentId"));
        }

        [Fact]
        public void StatusIsAValidateSet()
        {
            var result = _fixture.Session.Run("Get-LoomcycleAgent -UserId u1 -Status done");
            Assert.Empty(_fixture.Server.Requests);
            Assert.Equal("ParameterArgumentValidationError,Loomcycle.PowerShell.Commands.GetLoomcycleAgentCommand", Assert.Single(result.AllErrors).FullyQualifiedErrorId);
        }

        [Fact]
        public void StopSendsTheReasonAndDerivesTheCount()
        {
            _fixture.Server.State.AddAgent("a_parent", userId: "u1", live: true);
            _fixture.Server.State.AddAgent("a_child", userId: "u1", parentAgentId: "a_parent", live: true);

            var result = _fixture.Session.Run("Stop-LoomcycleAgent a_parent -Reason 'too slow' -Force").ThrowIfErrors();

            var request = Assert.Single(_fixture.Server.Requests);
            Assert.Equal("POST /v1/agents/a_parent/cancel", request.Method + " " + request.RawTarget);
            Assert.Equal("too slow", JsonDocument.Parse(request.Body).RootElement.GetProperty("reason").GetString());
            PSObject outcome = Assert.Single(result.Output);
            Assert.Equal("Loomcycle.CancelAgentResult", outcome.TypeName());
            Assert.Equal(true, outcome.Prop("Cancelled"));
            Assert.Equal(2, outcome.Prop("CancelledCount"));
            Assert.Equal(new[] { "a_child" }, (string[])outcome.Prop("Cascaded")!);
        }

        [Fact]
        public void StopOfAFinishedRunIsNotAnErrorAndCountsZero()
        {
            _fixture.Server.State.AddAgent("a_done", status: "completed");
            var result = _fixture.Session.Run("Stop-LoomcycleAgent a_done -Force").ThrowIfErrors();
            Assert.Empty(Assert.Single(_fixture.Server.Requests).Body); // no -Reason: no body
            PSObject outcome = Assert.Single(result.Output);
            Assert.Equal(false, outcome.Prop("Cancelled"));
            Assert.Equal(0, outcome.Prop("CancelledCount"));
            Assert.Equal("completed", outcome.Str("Status"));
        }

        [Fact]
        public void StopOfAnUnknownAgentIsAgentNotFound()
        {
            var result = _fixture.Session.Run("Stop-LoomcycleAgent a_nope -Force");
            result.AssertSingleError("AgentNotFound", "StopLoomcycleAgentCommand", ErrorCategory.ObjectNotFound, "a_nope");
        }

        [Fact]
        public void StopWithWhatIfSendsNothingEvenWithForce()
        {
            _fixture.Server.State.AddAgent("a_live", live: true);
            var result = _fixture.Session.Run("Stop-LoomcycleAgent a_live -WhatIf; Stop-LoomcycleAgent a_live -Force -WhatIf").ThrowIfErrors();
            Assert.Empty(_fixture.Server.Requests);
            Assert.Empty(result.Output);
        }

        [Fact]
        public void StopIsConfirmImpactHigh()
        {
            var info = _fixture.Session.Run("(Get-Command Stop-LoomcycleAgent).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact").ThrowIfErrors();
            Assert.Equal("High", Assert.Single(info.Output).ToString());
        }

        [Fact]
        public void PipelineStopsEveryRunningAgentOfAUser()
        {
            _fixture.Server.State.AddAgent("a_x1", userId: "u1", live: true);
            _fixture.Server.State.AddAgent("a_x2", userId: "u1", live: true);
            _fixture.Server.State.AddAgent("a_x3", userId: "u1", status: "completed");

            var result = _fixture.Session.Run("Get-LoomcycleAgent -UserId u1 -Status running | Stop-LoomcycleAgent -Reason 'maintenance' -Force").ThrowIfErrors();

            var wire = _fixture.Server.Wire();
            Assert.Equal("GET /v1/users/u1/agents?status=running", wire[0]);
            Assert.Equal(new[] { "POST /v1/agents/a_x1/cancel", "POST /v1/agents/a_x2/cancel" }, wire.Skip(1).OrderBy(x => x));
            Assert.Equal(3, wire.Count);
            Assert.All(_fixture.Server.Requests.Skip(1), r => Assert.Equal("{\"reason\":\"maintenance\"}", r.BodyText));
            Assert.All(result.Output, o => Assert.Equal(true, o.Prop("Cancelled")));
            Assert.Equal(2, result.Output.Count);
        }

        [Fact]
        public void TranscriptIsFetchedBySessionIdAndErrorsAreSessionNotFound()
        {
            var session = _fixture.Server.State.AddSession(userId: "u1");
            _fixture.Server.State.AppendTranscript(session, "r_1", "text", System.Text.Encoding.UTF8.GetBytes("{\"type\":\"text\",\"text\":\"hi\"}"));

            var ok = _fixture.Session.Run($"[pscustomobject]@{{ SessionId = '{session.Id}' }} | Get-LoomcycleTranscript").ThrowIfErrors();
            PSObject transcript = Assert.Single(ok.Output);
            Assert.Equal("Loomcycle.Transcript", transcript.TypeName());
            Assert.Equal(session.Id, transcript.Str("SessionId"));
            Assert.Single((System.Array)transcript.Prop("Events")!);

            var missing = _fixture.Session.Run("Get-LoomcycleTranscript s_missing");
            Assert.Equal(new[] { $"GET /v1/sessions/{session.Id}/transcript", "GET /v1/sessions/s_missing/transcript" }, _fixture.Server.Wire());
            Assert.Equal("s_missing", Assert.Single(missing.AllErrors).TargetObject);
            Assert.Equal(ErrorCategory.ObjectNotFound, missing.AllErrors.Single().CategoryInfo.Category);
        }

        [Fact]
        public void UsersAreWrittenOneByOne()
        {
            _fixture.Server.State.AddAgent("a_u1", userId: "u1", live: true);
            _fixture.Server.State.AddAgent("a_u2", userId: "u2", status: "completed");
            var result = _fixture.Session.Run("Get-LoomcycleUser").ThrowIfErrors();
            Assert.Equal(new[] { "GET /v1/_users" }, _fixture.Server.Wire());
            Assert.Equal(2, result.Output.Count);
            Assert.All(result.Output, u => Assert.Equal("Loomcycle.User", u.TypeName()));
            Assert.Equal(new[] { "u1", "u2" }, result.Output.Select(u => u.Str("UserId")).OrderBy(x => x));
        }

        [Fact]
        public void ARefusedTokenIsAnAuthenticationError()
        {
            _fixture.Server.Enqueue("GET", "/v1/_users", Faults.PlainText(401, "unauthorized"));
            var result = _fixture.Session.Run("Get-LoomcycleUser");
            result.AssertSingleError("Auth", "GetLoomcycleUserCommand", ErrorCategory.AuthenticationError, null);
            Assert.Empty(result.Output);
        }
    }
}
