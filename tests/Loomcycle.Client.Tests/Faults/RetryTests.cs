using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;
using static Loomcycle.Client.Tests.FaultTests.FaultTestKit;

namespace Loomcycle.Client.Tests.FaultTests
{
    /// <summary>The retry table (pitfalls R5): exact request counts at the fake server for every case.</summary>
    public sealed class RetryTests : IAsyncLifetime
    {
        private FakeLoomcycleServer _server = null!;

        public async Task InitializeAsync() => _server = await FakeLoomcycleServer.StartAsync();

        public async Task DisposeAsync() => await _server.DisposeAsync();

        [Theory]
        [InlineData(429, "backpressure")]
        [InlineData(429, "per_user_quota_exhausted")]
        [InlineData(429, "provider_concurrency_exhausted")]
        [InlineData(503, "runtime_paused")]
        public async Task RetryableRefusalsOfAReadAreRetriedThenSucceed(int status, string code)
        {
            using LoomcycleConnection connection = Connect(_server, o => o.MaximumRetryCount = 3);
            _server.Enqueue("GET", "/v1/_state", Faults.Json(status, code, "busy"));
            _server.Enqueue("GET", "/v1/_state", Faults.Json(status, code, "busy"));

            RuntimeState state = await connection.GetRuntimeStateAsync();

            Assert.Equal("running", state.State);
            Assert.Equal(3, _server.Count("GET", "/v1/_state"));
        }

        [Fact]
        public async Task RetriesStopAtMaximumRetryCountAndTheLastRefusalIsThrown()
        {
            using LoomcycleConnection connection = Connect(_server, o => o.MaximumRetryCount = 2);
            for (int i = 0; i < 5; i++)
            {
                _server.Enqueue("GET", "/v1/_state", Faults.Json(429, "backpressure", "queue full"));
            }

            var error = await Assert.ThrowsAsync<BackpressureException>(() => connection.GetRuntimeStateAsync());
            Assert.Equal(429, error.StatusCode);
            Assert.Equal(3, _server.Count("GET", "/v1/_state")); // 1 + 2 retries
            _server.ClearOverrides();
        }

        [Theory]
        [InlineData(400)]
        [InlineData(401)]
        [InlineData(403)]
        [InlineData(404)]
        [InlineData(409)]
        [InlineData(422)]
        [InlineData(500)]
        public async Task ClientErrorsAndServerFaultsAreNeverRetried(int status)
        {
            using LoomcycleConnection connection = Connect(_server, o => o.MaximumRetryCount = 5);
            _server.Enqueue("GET", "/v1/_state", Faults.PlainText(status, "nope"));
            _server.Enqueue("GET", "/v1/_state", Faults.PlainText(status, "nope"));

            await Assert.ThrowsAnyAsync<LoomcycleException>(() => connection.GetRuntimeStateAsync());

            Assert.Equal(1, _server.Count("GET", "/v1/_state"));
            _server.ClearOverrides();
        }

        [Fact]
        public async Task A503ThatWaitingCannotFixIsNotRetried()
        {
            using LoomcycleConnection connection = Connect(_server, o => o.MaximumRetryCount = 5);
            _server.Enqueue("POST", "/v1/_pause", Faults.Json(503, "pause_not_configured", "no pause manager wired on this server"));

            await Assert.ThrowsAsync<PauseNotConfiguredException>(() => connection.PauseRuntimeAsync());

            Assert.Equal(1, _server.Count("POST", "/v1/_pause"));
        }

        [Fact]
        public async Task ARunRefusedWith429BeforeTheStreamIsRetriedAndStreamsOnce()
        {
            using LoomcycleConnection connection = Connect(_server);
            _server.Enqueue("POST", "/v1/runs", Faults.RetryAfter(429, "per_user_quota_exhausted", "5"));

            using RunStream stream = await connection.StartRunAsync(Run("echo", "again"));
            List<RunEvent> events = await ReadAllAsync(stream);

            Assert.Equal("done", events.Last().Type);
            Assert.Equal(2, _server.Count("POST", "/v1/runs"));
        }

        [Fact]
        public async Task ARunWhoseConnectionDiesBeforeAnyResponseIsNotResent()
        {
            using LoomcycleConnection connection = Connect(_server, o => o.MaximumRetryCount = 5);
            await connection.GetRuntimeStateAsync(); // a pooled, reused connection: the riskiest case for silent resends
            _server.ClearRequests();
            _server.Enqueue("POST", "/v1/runs", Faults.ResetConnection());

            await Assert.ThrowsAsync<LoomcycleConnectionException>(() => connection.StartRunAsync(Run()));

            await Task.Delay(300); // a resend, if any, would have arrived by now
            Assert.Equal(1, _server.Count("POST", "/v1/runs"));
        }

        [Fact]
        public async Task ARunWhoseStreamStartedAndBrokeIsNeverResent()
        {
            using LoomcycleConnection connection = Connect(_server, o => o.MaximumRetryCount = 5);
            _server.Enqueue("POST", "/v1/runs", Faults.RawSseThenReset(HealthyRunFrames[0], HealthyRunFrames[1]));

            using RunStream stream = await connection.StartRunAsync(Run());
            var error = await Assert.ThrowsAsync<LoomcycleConnectionException>(() => ReadAllAsync(stream));

            Assert.Contains("broke after 2 events", error.Message);
            await Task.Delay(300);
            Assert.Equal(1, _server.Count("POST", "/v1/runs"));
        }

        [Fact]
        public async Task AReadWhoseConnectionDiesBeforeAnyResponseIsRetried()
        {
            using LoomcycleConnection connection = Connect(_server);
            _server.Enqueue("GET", "/v1/_state", Faults.ResetConnection());

            RuntimeState state = await connection.GetRuntimeStateAsync();

            Assert.Equal("running", state.State);
            Assert.Equal(2, _server.Count("GET", "/v1/_state"));
        }

        [Fact]
        public async Task ARefusedConnectIsRetriedEvenForARunAndEachRetryIsReported()
        {
            int closedPort = ClosedPort();
            var diagnostics = CaptureDiagnostics();
            using var connection = new LoomcycleConnection(new LoomcycleConnectionOptions
            {
                BaseUri = new Uri($"http://127.0.0.1:{closedPort}/"),
                MaximumRetryCount = 3,
                RetryInterval = TimeSpan.FromMilliseconds(5),
                MaximumRetryDelay = TimeSpan.FromMilliseconds(20),
            });

            await Assert.ThrowsAsync<LoomcycleConnectionException>(() => connection.StartRunAsync(Run()));

            var retries = diagnostics.Where(d => d.Level == DiagnosticLevel.Verbose && d.Text.Contains("Retry ")).Select(d => d.Text).ToList();
            Assert.Equal(3, retries.Count);
            Assert.Contains("Retry 3 of 3", retries.Last());
            Assert.Equal(4, diagnostics.Count(d => d.Text.StartsWith("POST ", StringComparison.Ordinal) && !d.Text.Contains("failed"))); // 4 attempts announced
        }

        [Fact]
        public async Task RetryAfterInSecondsIsHonouredAndShownInVerbose()
        {
            var diagnostics = CaptureDiagnostics();
            using LoomcycleConnection connection = Connect(_server, o => o.MaximumRetryDelay = TimeSpan.FromSeconds(5));
            _server.Enqueue("GET", "/v1/_state", Faults.RetryAfter(429, "per_user_quota_exhausted", "1"));

            await connection.GetRuntimeStateAsync();

            var attempts = _server.Requests.Where(r => r.Path == "/v1/_state").ToList();
            Assert.Equal(2, attempts.Count);
            Assert.True(attempts[1].ReceivedAt - attempts[0].ReceivedAt >= TimeSpan.FromMilliseconds(950), "the retry came before Retry-After: 1 elapsed");
            Assert.Contains(diagnostics, d => d.Text.Contains("answered 429 per_user_quota_exhausted (Retry-After 1 s); retry 1 of 2 in 1"));
        }

        [Fact]
        public async Task RetryAfterAsAnHttpDateIsHonoured()
        {
            var diagnostics = CaptureDiagnostics();
            using LoomcycleConnection connection = Connect(_server, o => o.MaximumRetryDelay = TimeSpan.FromSeconds(5));
            string date = DateTimeOffset.UtcNow.AddSeconds(2).ToString("r", CultureInfo.InvariantCulture);
            _server.Enqueue("GET", "/v1/_state", Faults.RetryAfter(503, "runtime_paused", date));

            await connection.GetRuntimeStateAsync();

            var attempts = _server.Requests.Where(r => r.Path == "/v1/_state").ToList();
            Assert.Equal(2, attempts.Count);
            // The date has whole-second precision, so the wait is between 1 and 2 s.
            Assert.True(attempts[1].ReceivedAt - attempts[0].ReceivedAt >= TimeSpan.FromMilliseconds(900), "the retry ignored the Retry-After date");
            Assert.Contains(diagnostics, d => d.Text.Contains("answered 503 runtime_paused (Retry-After "));
        }

        [Fact]
        public async Task ALongRetryAfterIsCappedAtMaximumRetryDelay()
        {
            var diagnostics = CaptureDiagnostics();
            using LoomcycleConnection connection = Connect(_server, o => o.MaximumRetryDelay = TimeSpan.FromMilliseconds(100));
            _server.Enqueue("GET", "/v1/_state", Faults.RetryAfter(429, "per_user_quota_exhausted", "3600"));

            Task<RuntimeState> call = connection.GetRuntimeStateAsync();
            Assert.Equal("running", (await call.WaitAsync(HangGuard)).State);

            Assert.Equal(2, _server.Count("GET", "/v1/_state"));
            Assert.Contains(diagnostics, d => d.Text.Contains("(Retry-After 3600 s); retry 1 of 2 in 0.1 s"));
        }

        [Fact]
        public async Task TheTotalRetryBudgetEndsRetryingEarly()
        {
            using LoomcycleConnection connection = Connect(_server, o =>
            {
                o.MaximumRetryCount = 10;
                o.MaximumRetryDelay = TimeSpan.FromMilliseconds(100);
                o.RetryBudget = TimeSpan.FromMilliseconds(250);
            });
            for (int i = 0; i < 12; i++)
            {
                _server.Enqueue("GET", "/v1/_state", Faults.RetryAfter(429, "per_user_quota_exhausted", "1"));
            }

            await Assert.ThrowsAsync<BackpressureException>(() => connection.GetRuntimeStateAsync());

            // Waits of 0.1 s each: two fit in 0.25 s, a third would not.
            Assert.Equal(3, _server.Count("GET", "/v1/_state"));
            _server.ClearOverrides();
        }

        [Fact]
        public async Task ARetryWaitEndsAtOnceWhenCancelled()
        {
            using LoomcycleConnection connection = Connect(_server, o => o.MaximumRetryDelay = TimeSpan.FromSeconds(60));
            _server.Enqueue("GET", "/v1/_state", Faults.RetryAfter(429, "per_user_quota_exhausted", "60"));
            using var cancel = new CancellationTokenSource();

            Task call = connection.GetRuntimeStateAsync(cancel.Token);
            while (_server.Count("GET", "/v1/_state") == 0)
            {
                await Task.Delay(10);
            }

            await Task.Delay(100); // now in the 60 s wait
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(HangGuard));
            Assert.Equal(1, _server.Count("GET", "/v1/_state"));
            _server.ClearOverrides();
        }

        [Fact]
        public async Task APerCallRetryCountOverridesTheConnectionDefault()
        {
            using LoomcycleConnection connection = Connect(_server, o => o.MaximumRetryCount = 5);
            CaptureDiagnostics(maximumRetryCount: 0);
            _server.Enqueue("GET", "/v1/_state", Faults.Json(429, "backpressure", "full"));

            await Assert.ThrowsAsync<BackpressureException>(() => connection.GetRuntimeStateAsync());

            Assert.Equal(1, _server.Count("GET", "/v1/_state"));
        }

        [Fact]
        public void BackoffWithoutRetryAfterDoublesWithJitterAndRetryAfterGetsAtMostTenPercent()
        {
            var policy = new RetryPolicy(new LoomcycleConnectionOptions
            {
                RetryInterval = TimeSpan.FromSeconds(2),
                MaximumRetryDelay = TimeSpan.FromSeconds(30),
            });
            LoomcycleCallContext.Current = null;
            var first = Enumerable.Range(0, 200).Select(_ => policy.Delay(1, null)).ToList();
            var third = Enumerable.Range(0, 200).Select(_ => policy.Delay(3, null)).ToList();
            var advised = Enumerable.Range(0, 200).Select(_ => policy.Delay(1, TimeSpan.FromSeconds(5))).ToList();
            var capped = policy.Delay(10, null);

            Assert.All(first, d => Assert.InRange(d.TotalSeconds, 1.0, 2.0));
            Assert.All(third, d => Assert.InRange(d.TotalSeconds, 4.0, 8.0));
            Assert.All(advised, d => Assert.InRange(d.TotalSeconds, 5.0, 5.5));
            Assert.True(first.Distinct().Count() > 50, "no jitter");
            Assert.Equal(TimeSpan.FromSeconds(30), capped);
        }

        [Fact]
        public void RetryAfterIsReadAsSecondsAndAsAnHttpDate()
        {
            using var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            seconds.Headers.TryAddWithoutValidation("Retry-After", "5");
            using var date = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            date.Headers.TryAddWithoutValidation("Retry-After", DateTimeOffset.UtcNow.AddSeconds(20).ToString("r", CultureInfo.InvariantCulture));
            using var past = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            past.Headers.TryAddWithoutValidation("Retry-After", DateTimeOffset.UtcNow.AddHours(-1).ToString("r", CultureInfo.InvariantCulture));
            using var garbage = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            garbage.Headers.TryAddWithoutValidation("Retry-After", "soon");

            Assert.Equal(TimeSpan.FromSeconds(5), RetryPolicy.ReadRetryAfter(seconds));
            Assert.InRange(RetryPolicy.ReadRetryAfter(date)!.Value.TotalSeconds, 18, 20);
            Assert.Equal(TimeSpan.Zero, RetryPolicy.ReadRetryAfter(past));
            Assert.Null(RetryPolicy.ReadRetryAfter(garbage));
        }

        internal static int ClosedPort()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            return port;
        }
    }
}
