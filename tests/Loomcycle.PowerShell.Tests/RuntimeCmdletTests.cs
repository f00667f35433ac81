using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>Suspend-/Resume-LoomcycleRuntime and Get-LoomcycleRuntimeState against the fake server.</summary>
    public sealed class RuntimeCmdletTests : IClassFixture<ServerAndSession>
    {
        private readonly ServerAndSession _fixture;

        public RuntimeCmdletTests(ServerAndSession fixture)
        {
            _fixture = fixture;
            _fixture.Server.Reset();
        }

        private string Target => _fixture.Server.BaseUri.ToString();

        [Fact]
        public void PauseThenStateThenResume()
        {
            var paused = _fixture.Session.Run("Suspend-LoomcycleRuntime -Force").ThrowIfErrors();
            var state = _fixture.Session.Run("Get-LoomcycleRuntimeState").ThrowIfErrors();
            var resumed = _fixture.Session.Run("Resume-LoomcycleRuntime").ThrowIfErrors();

            Assert.Equal(new[] { "POST /v1/_pause", "GET /v1/_state", "POST /v1/_resume" }, _fixture.Server.Wire());
            Assert.Empty(_fixture.Server.Requests[0].Body); // no -TimeoutSec: no body
            Assert.Equal("Loomcycle.PauseResult", Assert.Single(paused.Output).TypeName());
            Assert.Equal("paused", paused.Output[0].Str("State"));
            Assert.Equal("paused", Assert.Single(state.Output).Str("State"));
            Assert.Equal("Loomcycle.ResumeResult", Assert.Single(resumed.Output).TypeName());
            Assert.Equal("running", resumed.Output[0].Str("State"));
            Assert.Equal("running", _fixture.Server.State.RuntimeState);
        }

        [Fact]
        public void PauseAndResumeWarningsAreWritten()
        {
            // The server says here which runs it force-cancelled or could not resume; the result object alone hid it.
            _fixture.Server.Enqueue("POST", "/v1/_pause", Faults.Status(200, "application/json",
                "{\"state\":\"paused\",\"duration_ms\":30000,\"force_cancelled_count\":2,\"paused_runs_count\":3,\"warnings\":[\"2 runs did not park within 30s and were force-cancelled\"]}"));
            _fixture.Server.Enqueue("POST", "/v1/_resume", Faults.Status(200, "application/json",
                "{\"state\":\"running\",\"resumed_runs_count\":2,\"warnings\":[\"run r_9 could not be resumed\"]}"));

            var paused = _fixture.Session.Run("Suspend-LoomcycleRuntime -Force").ThrowIfErrors();
            var resumed = _fixture.Session.Run("Resume-LoomcycleRuntime").ThrowIfErrors();

            Assert.Equal(new[] { "2 runs did not park within 30s and were force-cancelled" }, paused.Warnings);
            Assert.Equal(2, Assert.Single(paused.Output).Prop("ForceCancelledCount"));
            Assert.Equal(new[] { "run r_9 could not be resumed" }, resumed.Warnings);
            Assert.Equal("running", Assert.Single(resumed.Output).Str("State"));
        }

        [Fact]
        public void TimeoutSecIsSentAsTimeoutMs()
        {
            _fixture.Session.Run("Suspend-LoomcycleRuntime -TimeoutSec 45 -Force").ThrowIfErrors();
            Assert.Equal("{\"timeout_ms\":45000}", Assert.Single(_fixture.Server.Requests).BodyText);
        }

        [Fact]
        public void TimeoutSecOutsideOneTo300FailsBeforeSending()
        {
            var result = _fixture.Session.Run("Suspend-LoomcycleRuntime -TimeoutSec 0 -Force; Suspend-LoomcycleRuntime -TimeoutSec 301 -Force");
            Assert.Empty(_fixture.Server.Requests);
            Assert.Equal(2, result.AllErrors.Count());
            Assert.All(result.AllErrors, e => Assert.StartsWith("ParameterArgumentValidationError", e.FullyQualifiedErrorId));
        }

        [Fact]
        public void PausingTwiceIsAlreadyPausing()
        {
            _fixture.Session.Run("Suspend-LoomcycleRuntime -Force").ThrowIfErrors();
            var result = _fixture.Session.Run("Suspend-LoomcycleRuntime -Force");
            result.AssertSingleError("AlreadyPausing", "SuspendLoomcycleRuntimeCommand", ErrorCategory.ResourceBusy, Target);
        }

        [Fact]
        public void ResumingWhenNotPausedIsNotPaused()
        {
            var result = _fixture.Session.Run("Resume-LoomcycleRuntime");
            result.AssertSingleError("NotPaused", "ResumeLoomcycleRuntimeCommand", ErrorCategory.InvalidOperation, Target);
        }

        [Fact]
        public async Task AServerWithoutAPauseManagerIsPauseNotConfigured()
        {
            await using FakeLoomcycleServer bare = await FakeLoomcycleServer.StartAsync(new FakeServerOptions { PauseConfigured = false });
            var result = _fixture.Session.Run(
                "$c = Connect-Loomcycle -BaseUrl $url -PassThru -NoDefault; Suspend-LoomcycleRuntime -Force -Connection $c",
                new Dictionary<string, object?> { ["url"] = bare.BaseUri.ToString() });
            ErrorRecord error = result.AssertSingleError("PauseNotConfigured", "SuspendLoomcycleRuntimeCommand", ErrorCategory.ResourceUnavailable, bare.BaseUri.ToString());
            Assert.Equal(503, error.ExceptionProperty("StatusCode"));
            Assert.Equal(new[] { "POST /v1/_pause" }, bare.Wire());
            Assert.Empty(_fixture.Server.Requests);
        }

        [Fact]
        public void WhatIfSendsNothing()
        {
            var result = _fixture.Session.Run("Suspend-LoomcycleRuntime -WhatIf; Suspend-LoomcycleRuntime -Force -WhatIf; Resume-LoomcycleRuntime -WhatIf").ThrowIfErrors();
            Assert.Empty(_fixture.Server.Requests);
            Assert.Empty(result.Output);
        }

        [Fact]
        public void StateErrorsTargetTheServer()
        {
            _fixture.Server.Enqueue("GET", "/v1/_state", Faults.PlainText(403, "forbidden: token lacks admin scope"));
            var result = _fixture.Session.Run("Get-LoomcycleRuntimeState");
            result.AssertSingleError("Auth", "GetLoomcycleRuntimeStateCommand", ErrorCategory.PermissionDenied, Target);
        }
    }
}
