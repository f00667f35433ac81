using System;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>
    /// ErrorClassifier: the errors.test.ts table of spec section 15 (each row on the route family that produces it)
    /// plus the section 16 corrections, and the same classification seen through the wire.
    /// </summary>
    public sealed class ErrorClassifierTests : EngineTest
    {
        public ErrorClassifierTests(ServerFixture fixture) : base(fixture) { }

        private static LoomcycleException Classify(int status, string body, string area, string? phrase = null) =>
            ErrorClassifier.Classify(status, phrase, body, (ApiArea)Enum.Parse(typeof(ApiArea), area));

        // errors.test.ts, in order. The area is the route family whose error this body is.
        [Theory]
        [InlineData(400, "bad timeout", "Runtime", typeof(InvalidArgumentException))]
        [InlineData(401, "invalid token", "Run", typeof(AuthException))]
        [InlineData(404, "no snapshot with id snap_xyz", "Snapshot", typeof(SnapshotNotFoundException))]
        [InlineData(404, "session not found", "Session", typeof(SessionNotFoundException))]
        [InlineData(404, "no run found for agent_id ax", "Agent", typeof(AgentNotFoundException))]
        [InlineData(404, "no snapshot with id snap_sess_foo (session reference incidental)", "Snapshot", typeof(SnapshotNotFoundException))]
        [InlineData(409, "already_pausing: runtime is already pausing", "Runtime", typeof(AlreadyPausingException))]
        [InlineData(409, "runtime already paused", "Runtime", typeof(AlreadyPausingException))]
        [InlineData(409, "not_paused: cannot resume", "Runtime", typeof(NotPausedException))]
        [InlineData(409, "session busy: another request in flight", "Session", typeof(SessionBusyException))]
        [InlineData(409, "agent_id in use", "Run", typeof(AgentIdInUseException))]
        [InlineData(409, "some other conflict", "Runtime", typeof(LoomcycleException))]
        [InlineData(413, "snapshot exceeds size cap", "Snapshot", typeof(SnapshotTooLargeException))]
        [InlineData(422, "snapshot section version too new", "Snapshot", typeof(SnapshotVersionException))]
        [InlineData(429, "queue full", "Run", typeof(BackpressureException))]
        [InlineData(503, "pause manager not configured on this server", "Runtime", typeof(PauseNotConfiguredException))]
        [InlineData(503, "service unavailable", "Runtime", typeof(UnavailableException))]
        [InlineData(500, "boom", "Run", typeof(LoomcycleException))]
        public void ErrorsTestTs_Table(int status, string body, string area, Type expected)
        {
            LoomcycleException ex = Classify(status, body, area);

            Assert.Equal(expected, ex.GetType());
            Assert.Equal(status, ex.StatusCode);
            Assert.Equal(body, ex.BodyText);
            Assert.Null(ex.Code);
            Assert.Contains(body, ex.Message);
        }

        [Fact]
        public void ErrorsTestTs_503PauseNotConfigured_IsAlsoUnavailable()
        {
            Assert.IsAssignableFrom<UnavailableException>(Classify(503, "pause manager not configured on this server", "Runtime"));
        }

        [Fact]
        public void ErrorsTestTs_409SomeOtherConflict_IsNotAlreadyPausing()
        {
            Assert.IsNotAssignableFrom<AlreadyPausingException>(Classify(409, "some other conflict", "Runtime"));
        }

        [Fact]
        public void ErrorsTestTs_503ServiceUnavailable_IsNotPauseNotConfigured()
        {
            Assert.IsNotAssignableFrom<PauseNotConfiguredException>(Classify(503, "service unavailable", "Runtime"));
        }

        [Fact]
        public void ErrorsTestTs_401InvalidToken_StatusAndBodyText()
        {
            LoomcycleException ex = Classify(401, "invalid token", "Run");
            Assert.Equal(401, ex.StatusCode);
            Assert.Equal("invalid token", ex.BodyText);
        }

        [Fact]
        public void ErrorsTestTs_500With5000CharBody_BodyTextIs1024_MessageBounded()
        {
            LoomcycleException ex = Classify(500, new string('x', 5000), "Run");

            Assert.Equal(1024, ex.BodyText!.Length);
            Assert.True(ex.Message.Length <= 1024 + 64, $"message is {ex.Message.Length} characters");
        }

        [Fact]
        public void ErrorsTestTs_401EmptyBody_AuthExceptionMessageHasStatus()
        {
            LoomcycleException ex = Classify(401, "", "Run", "Unauthorized");

            Assert.IsType<AuthException>(ex);
            Assert.Contains("401", ex.Message);
            Assert.Contains("Unauthorized", ex.Message);
            Assert.Equal("", ex.BodyText);
        }

        [Fact]
        public void EmptyBodyWithoutReasonPhrase_MessageStillHasStatus()
        {
            Assert.Contains("502", Classify(502, "", "Run").Message);
        }

        // Section 16 corrections: the JSON code decides, then the route, then keywords (plain text only).
        [Fact]
        public void Correction_MemoryNotFoundInAgentScope_IsNotFoundNotAgentNotFound()
        {
            LoomcycleException ex = Classify(404, "{\"code\":\"not_found\",\"error\":\"no entry at agent/a_session_snapshot_hook/k\"}\n", "Memory");

            Assert.Equal(typeof(NotFoundException), ex.GetType());
            Assert.Equal("not_found", ex.Code);
            Assert.Contains("no entry at agent/a_session_snapshot_hook/k", ex.Message);
        }

        [Fact]
        public void Correction_AgentIdInUseWhoseIdContainsSession_IsAgentIdInUse()
        {
            LoomcycleException ex = Classify(409, "{\"code\":\"agent_id_in_use\",\"error\":\"agent_id \\\"my-session-1\\\" is already in use\"}", "Run");

            Assert.IsType<AgentIdInUseException>(ex);
            Assert.Equal("agent_id_in_use", ex.Code);
        }

        [Fact]
        public void Correction_SessionBusyByCode_OnARunRoute()
        {
            Assert.IsType<SessionBusyException>(Classify(409, "{\"code\":\"session_busy\",\"error\":\"another request is in flight on session \\\"s1\\\"\"}", "Run"));
        }

        [Theory]
        [InlineData("Run")]
        [InlineData("Session")]
        public void Correction_413OnRunsAndMessages_IsInvalidArgument(string area)
        {
            LoomcycleException ex = Classify(413, "request body exceeds the 16777216-byte limit\n", area);
            Assert.Equal(typeof(InvalidArgumentException), ex.GetType());
        }

        [Theory]
        [InlineData("unsupported kind \"poll\" (v0.8.16 supports: question)\n")]
        [InlineData("answer \"maybe\" is not one of the declared options: [yes no]\n")]
        [InlineData("answer is required for free-text interrupts\n")]
        [InlineData("unsupported disposition \"x\" (valid: answer, declined)\n")]
        public void Correction_Interrupt422_IsInvalidArgument(string body)
        {
            Assert.Equal(typeof(InvalidArgumentException), Classify(422, body, "Interrupt").GetType());
        }

        [Theory]
        [InlineData("interrupt already resolved\n")]
        [InlineData("interrupt already resolved, timed out, or cancelled\n")]
        public void Correction_Interrupt409MentioningNothingElse_IsBaseError(string body)
        {
            Assert.Equal(typeof(LoomcycleException), Classify(409, body, "Interrupt").GetType());
        }

        [Fact]
        public void Correction_Interrupt410Expired_IsBaseError()
        {
            Assert.Equal(typeof(LoomcycleException), Classify(410, "interrupt expired\n", "Interrupt").GetType());
        }

        [Fact]
        public void Correction_PauseNotConfiguredFromJsonCode()
        {
            LoomcycleException ex = Classify(503, "{\"code\":\"pause_not_configured\",\"error\":\"no pause manager wired on this server\"}\n", "Runtime");

            Assert.IsType<PauseNotConfiguredException>(ex);
            Assert.Equal("pause_not_configured", ex.Code);
        }

        [Fact]
        public void Correction_GoInvalidHexEscape_FallsBackToText()
        {
            // Go's %q writes \x01 for a control byte: not JSON, so the code is not trusted and the raw text is kept.
            const string body = "{\"code\":\"invalid_scope\",\"error\":\"scope must be one of: agent, user (got \\x01)\"}\n";
            LoomcycleException ex = Classify(400, body, "Memory");

            Assert.Equal(typeof(InvalidArgumentException), ex.GetType());
            Assert.Null(ex.Code);
            Assert.Equal(body, ex.BodyText);
            Assert.Contains("\\x01", ex.Message);
        }

        [Fact]
        public void Correction_GoInvalidHexEscapeOnMemory404_RouteDecidesNotKeyword()
        {
            LoomcycleException ex = Classify(404, "{\"code\":\"not_found\",\"error\":\"no entry at agent/a1/\\xff\"}\n", "Memory");

            Assert.Equal(typeof(NotFoundException), ex.GetType());
            Assert.Null(ex.Code);
        }

        [Theory]
        [InlineData(429, "per_user_quota_exhausted", typeof(BackpressureException))]
        [InlineData(429, "provider_concurrency_exhausted", typeof(BackpressureException))]
        [InlineData(429, "token_limit_exceeded", typeof(BackpressureException))]
        [InlineData(503, "runtime_paused", typeof(UnavailableException))]
        [InlineData(503, "hooks_not_configured", typeof(UnavailableException))]
        [InlineData(503, "store_unavailable", typeof(UnavailableException))]
        [InlineData(404, "snapshot_not_found", typeof(SnapshotNotFoundException))]
        [InlineData(404, "unknown_agent_id", typeof(AgentNotFoundException))]
        [InlineData(413, "snapshot_too_large", typeof(SnapshotTooLargeException))]
        [InlineData(422, "snapshot_version_too_new", typeof(SnapshotVersionException))]
        [InlineData(400, "invalid_limit", typeof(InvalidArgumentException))]
        [InlineData(400, "invalid_json", typeof(InvalidArgumentException))]
        [InlineData(400, "missing_scope_id", typeof(InvalidArgumentException))]
        [InlineData(403, "operator_key_restricted", typeof(AuthException))]
        [InlineData(500, "internal", typeof(LoomcycleException))]
        [InlineData(500, "pause_failed", typeof(LoomcycleException))]
        public void ServerJsonCodes_DecideTheType(int status, string code, Type expected)
        {
            // Bodies whose text would mislead keyword matching ("session", "agent", "snapshot").
            LoomcycleException ex = Classify(status, "{\"code\":\"" + code + "\",\"error\":\"session agent snapshot hook paused\"}", "Run");

            Assert.Equal(expected, ex.GetType());
            Assert.Equal(code, ex.Code);
        }

        [Fact]
        public void InsufficientScope403PlainText_IsAuth()
        {
            Assert.IsType<AuthException>(Classify(403, "insufficient scope\n", "Snapshot"));
        }

        [Fact]
        public void PanicBody500_BaseErrorWithServerMessageAndNoCode()
        {
            LoomcycleException ex = Classify(500, "{\"error\":\"internal server error\"}", "Hook");

            Assert.Equal(typeof(LoomcycleException), ex.GetType());
            Assert.Null(ex.Code);
            Assert.StartsWith("internal server error", ex.Message);
        }

        [Fact]
        public void TranscriptNotConfigured404_NotSessionNotFound()
        {
            Assert.Equal(typeof(NotFoundException), Classify(404, "transcript persistence is not configured\n", "Session").GetType());
        }

        // Through the wire: what a caller of the engine sees.
        [Fact]
        public async Task Wire_HugeErrorBody_BodyTextAndMessageBounded()
        {
            Server.Enqueue("GET", "/v1/_state", Faults.HugeBody(500, 5L * 1024 * 1024));

            var ex = await Assert.ThrowsAsync<LoomcycleException>(() => Connection.GetRuntimeStateAsync());

            Assert.Equal(500, ex.StatusCode);
            Assert.Equal(1024, ex.BodyText!.Length);
            Assert.True(ex.Message.Length <= 1024 + 64, $"message is {ex.Message.Length} characters");
        }

        [Fact]
        public async Task Wire_ProxyHtml502_BaseErrorWithStatus()
        {
            Server.Enqueue("GET", "/v1/hooks", Faults.Html(502));

            var ex = await Assert.ThrowsAsync<LoomcycleException>(() => Connection.ListHooksAsync());

            Assert.Equal(typeof(LoomcycleException), ex.GetType());
            Assert.Equal(502, ex.StatusCode);
            Assert.Contains("502 Bad Gateway", ex.BodyText);
        }

        [Fact]
        public async Task Wire_UnknownRoute404PageNotFound_OnHooksIsHookNotFoundOnlyByRoute()
        {
            // Go's mux answers an unknown path with plain "404 page not found"; on a snapshot route it is still a snapshot miss.
            Server.Enqueue("GET", "/v1/_snapshots/x", Faults.PlainText(404, "404 page not found"));

            var ex = await Assert.ThrowsAsync<SnapshotNotFoundException>(() => Connection.GetSnapshotAsync("x"));
            Assert.Equal("404 page not found\n", ex.BodyText);
        }

        [Fact]
        public async Task Wire_Redirect_IsNotFollowed_ProtocolException()
        {
            Server.Enqueue("GET", "/v1/_state", Faults.Redirect("http://elsewhere.example/v1/_state"));

            var ex = await Assert.ThrowsAsync<LoomcycleProtocolException>(() => Connection.GetRuntimeStateAsync());

            Assert.Equal(302, ex.StatusCode);
            Assert.Contains("elsewhere.example", ex.Message);
            Assert.Single(Server.Requests);
        }

        [Fact]
        public async Task Wire_200WithNonJsonBody_ProtocolExceptionWithExcerpt()
        {
            Server.Enqueue("GET", "/v1/_state", Faults.Status(200, "application/json", "<html>not json</html>"));

            var ex = await Assert.ThrowsAsync<LoomcycleProtocolException>(() => Connection.GetRuntimeStateAsync());

            Assert.Equal(200, ex.StatusCode);
            Assert.Equal("<html>not json</html>", ex.BodyText);
        }

        [Fact]
        public async Task Wire_ConnectionReset_ConnectionExceptionStatusZero()
        {
            Server.Enqueue("GET", "/v1/_state", Faults.ResetConnection());

            var ex = await Assert.ThrowsAsync<LoomcycleConnectionException>(() => Connection.GetRuntimeStateAsync());
            Assert.Equal(0, ex.StatusCode);
        }
    }
}
