using System;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>pause / resume / state (POST /v1/_pause, POST /v1/_resume, GET /v1/_state): cases 18–23 and section 16.3.</summary>
    public sealed class RuntimeTests : EngineTest
    {
        public RuntimeTests(ServerFixture fixture) : base(fixture) { }

        [Fact]
        public async Task Case18_PauseRuntime_TimeoutSentAsTimeoutMs_ResultParsed()
        {
            Reply("POST", "/v1/_pause", 200, "{\"state\":\"paused\",\"duration_ms\":42,\"force_cancelled_count\":1,\"paused_runs_count\":2,\"warnings\":[\"w1\"]}");

            PauseResult result = await Connection.PauseRuntimeAsync(5000);

            RecordedRequest request = SingleRequest();
            Assert.Equal("POST", request.Method);
            Assert.Equal("/v1/_pause", request.RawTarget);
            JsonAssert.Equal("{\"timeout_ms\":5000}", request.Json);
            Assert.Equal("paused", result.State);
            Assert.Equal(42, result.DurationMs);
            Assert.Equal(1, result.ForceCancelledCount);
            Assert.Equal(2, result.PausedRunsCount);
            Assert.Equal(new[] { "w1" }, result.Warnings);
        }

        [Fact]
        public async Task Case19_PauseRuntime_NoTimeout_RequestHasNoBody()
        {
            Reply("POST", "/v1/_pause", 200, "{\"state\":\"paused\",\"duration_ms\":0,\"force_cancelled_count\":0,\"paused_runs_count\":0}");

            PauseResult result = await Connection.PauseRuntimeAsync();

            RecordedRequest request = SingleRequest();
            Assert.Empty(request.Body);
            Assert.Null(request.ContentType);
            Assert.Equal("paused", result.State);
        }

        [Fact]
        public async Task Case20_PauseRuntime_409AlreadyPausingText_AlreadyPausingException()
        {
            Server.Enqueue("POST", "/v1/_pause", Faults.PlainText(409, "already_pausing: runtime is already paused"));

            var ex = await Assert.ThrowsAsync<AlreadyPausingException>(() => Connection.PauseRuntimeAsync());
            Assert.Equal(409, ex.StatusCode);
        }

        [Fact]
        public async Task Case20b_PauseRuntime_TwiceAgainstFakeServer_SecondIsAlreadyPausingFromJsonCode()
        {
            try
            {
                await Connection.PauseRuntimeAsync();
                var ex = await Assert.ThrowsAsync<AlreadyPausingException>(() => Connection.PauseRuntimeAsync());
                Assert.Equal("already_pausing", ex.Code);
                Assert.Equal("paused", (await Connection.GetRuntimeStateAsync()).State);
            }
            finally
            {
                await Connection.ResumeRuntimeAsync();
            }
        }

        [Fact]
        public async Task Case21_PauseRuntime_503PauseManagerNotConfiguredText_PauseNotConfiguredAlsoUnavailable()
        {
            Server.Enqueue("POST", "/v1/_pause", Faults.PlainText(503, "pause manager not configured on this server"));

            var ex = await Assert.ThrowsAsync<PauseNotConfiguredException>(() => Connection.PauseRuntimeAsync());

            Assert.IsAssignableFrom<UnavailableException>(ex);
            Assert.Equal(503, ex.StatusCode);
        }

        [Fact]
        public async Task Case21b_PauseRuntime_ServersJson503PauseNotConfigured_PauseNotConfiguredFromCode()
        {
            // Section 16.3: the real body says "no pause manager wired", never "not configured".
            Server.Enqueue("POST", "/v1/_pause", Faults.Json(503, "pause_not_configured", "no pause manager wired on this server"));

            var ex = await Assert.ThrowsAsync<PauseNotConfiguredException>(() => Connection.PauseRuntimeAsync());

            Assert.Equal("pause_not_configured", ex.Code);
            Assert.Contains("no pause manager wired on this server", ex.Message);
        }

        [Fact]
        public async Task Case22_ResumeRuntime_409NotPaused_NotPausedException()
        {
            Server.Enqueue("POST", "/v1/_resume", Faults.PlainText(409, "not_paused: runtime is not paused"));

            await Assert.ThrowsAsync<NotPausedException>(() => Connection.ResumeRuntimeAsync());

            RecordedRequest request = SingleRequest();
            Assert.Equal("POST", request.Method);
            Assert.Equal("/v1/_resume", request.RawTarget);
        }

        [Fact]
        public async Task Case22b_ResumeRuntime_NotPausedAgainstFakeServer_NotPausedFromJsonCode()
        {
            var ex = await Assert.ThrowsAsync<NotPausedException>(() => Connection.ResumeRuntimeAsync());
            Assert.Equal("not_paused", ex.Code);
        }

        [Fact]
        public async Task ResumeRuntime_ResultParsed()
        {
            Reply("POST", "/v1/_resume", 200, "{\"state\":\"running\",\"resumed_runs_count\":4,\"warnings\":null}");

            ResumeResult result = await Connection.ResumeRuntimeAsync();

            Assert.Equal("running", result.State);
            Assert.Equal(4, result.ResumedRunsCount);
            Assert.Null(result.Warnings);
        }

        [Fact]
        public async Task Case23_GetRuntimeState_StateAndPausedRunsCount()
        {
            Reply("GET", "/v1/_state", 200, "{\"state\":\"paused\",\"paused_runs_count\":3}");

            RuntimeState state = await Connection.GetRuntimeStateAsync();

            RecordedRequest request = SingleRequest();
            Assert.Equal("GET", request.Method);
            Assert.Equal("/v1/_state", request.RawTarget);
            Assert.Equal("paused", state.State);
            Assert.Equal(3, state.PausedRunsCount);
        }

        [Fact]
        public async Task PauseRuntime_NegativeTimeout_RefusedBeforeSending()
        {
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.PauseRuntimeAsync(-1));
            Assert.Empty(Server.Requests);
        }
    }
}
