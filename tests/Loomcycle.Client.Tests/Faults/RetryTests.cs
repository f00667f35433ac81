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
using Microsoft.AspNetCore.Http;
using Xunit;
using static Loomcycle.Client.Tests.FaultTests.FaultTestKit;

namespace Loomcycle.Client.Tests.FaultTests
{
    /// <summary>
    /// The retry table (pitfalls R5): exact request counts at the fake server for every case. Retryable refusals are
    /// injected where the real server sends them (spec §1, §2, §9): 429 backpressure / per_user_quota_exhausted /
    /// provider_concurrency_exhausted and 503 runtime_paused on POST /v1/runs and POST /v1/sessions/{id}/messages. Reads
    /// (GET /v1/_state) get only what a reverse proxy in front of the server sends: a 503/429 page with no code.
    /// </summary>
    public sealed class RetryTests : IAsyncLifetime
    {
        private FakeLoomcycleServer _server = null!;

        public async Task InitializeAsync() => _server = await FakeLoomcycleServer.StartAsync();

        public async Task DisposeAsync() => await _server.DisposeAsync();

        /// <summary>The refusals the real server sends on a run or a continuation before its stream opens (spec §1.1).</summary>
        private static Func<HttpContext, Task> RealRefusal(string code) => code switch
        {
            "runtime_paused" => Faults.Json(503, "runtime_paused", "runtime is paused (snapshot quiesce); retry after resume"),
            "backpressure" => Faults.Json(429, "backpressure", "queue full"),
            _ => Faults.RetryAfter(429, code, "5"), // per_user_quota_exhausted, provider_concurrency_exhausted: Retry-After: 5
        };

        [Theory]
        [InlineData("backpressure")]
        [InlineData("per_user_quota_exhausted")]
        [InlineData("provider_concurrency_exhausted")]
        [InlineData("runtime_paused")]
        public async Task RetryableRefusalsOfARunAreRetriedThenItStreamsOnce(string code)
        {
            using LoomcycleConnection connection = Connect(_server, o => o.MaximumRetryCount = 3);
            _server.Enqueue("POST", "/v1/runs", RealRefusal(code));
            _server.Enqueue("POST", "/v1/runs", RealRefusal(code));

            using RunStream stream = await connection.StartRunAsync(Run("echo", "third time"));
            List<RunEvent> events = await ReadAllAsync(stream);

            Assert.Equal("done", events.Last().Type);
            Assert.Equal("third time", stream.Result.Text);
            Assert.Equal(3, _server.Count("POST", "/v1/runs"));
            string sent = Assert.Single(_server.Requests.Where(r => r.Path == "/v1/runs").Select(r => r.BodyText).Distinct()); // the same request each time
            Assert.Contains("third time", sent);
        }

        [Theory]
        [InlineData("backpressure")]
        [InlineData("runtime_paused")]
        public async Task RetryableRefusalsOfAContinuationAreRetriedThenItStreamsOnce(string code)
        {
            using LoomcycleConnection connection = Connect(_server, o => o.MaximumRetryCount = 3);
            using RunStream first = await connection.StartRunAsync(Run("echo", "first"));
            await ReadAllAsync(first);
            string session = first.Result.SessionId!;
            string path = "/v1/sessions/" + session + "/messages";
            _server.Enqueue("POST", path, RealRefusal(code));

            using RunStream stream = await connection.StartContinueAsync(new ContinueRequest { SessionId = session, Prompt = "again" });
            await ReadAllAsync(stream);

            Assert.Equal("again", stream.Result.Text);
            Assert.Equal(2, _server.Count("POST", path));
        }

        [Fact]
        public async Task RetriesStopAtMaximumRetryCountAndTheLastRefusalIsThrown()
        {
            using LoomcycleConnection connection = Connect(_server, o => o.MaximumRetryCount = 2);
            for (int i = 0; i < 5; i++)
            {
                _server.Enqueue("POST", "/v1/runs", Faults.Json(429, "backpressure", "queue full"));
            }

            var error = await Assert.ThrowsAsync<BackpressureException>(() => connection.StartRunAsync(Run()));
            Assert.Equal(429, error.StatusCode);
            Assert.Equal("backpressure", error.Code);
            Assert.Equal(3, _server.Count("POST", "/v1/runs")); // 1 + 2 retries
            _server.ClearOverrides();
        }

        [Theory]
        [InlineData(503)]
        [InlineData(429)]
        public async Task AProxysRefusalWithoutACodeOnAReadIsRetried(int status)
        {
            using LoomcycleConnection connection = Connect(_server, o => o.MaximumRetryCount = 3);
            _server.Enqueue("GET", "/v1/_state", Faults.Html(status));

            RuntimeState state = await connection.GetRuntimeStateAsync();

            Assert.Equal("running", state.State);
            Assert.Equal(2, _server.Count("GET", "/v1/_state"));
        }

        [Fact]
        public async Task APausedRuntimeRefusesARunWithRetriesOnUntilItIsResumedAndTheRunThenStreamsOnce()
        {
            // The real case (spec §1.1, §9): POST /v1/runs answered 503 runtime_paused by the server's own pause gate.
            using LoomcycleConnection admin = Connect(_server, o => o.MaximumRetryCount = 0);
            using LoomcycleConnection connection = Connect(_server, o =>
            {
                o.MaximumRetryCount = 50;
                o.RetryInterval = TimeSpan.FromMilliseconds(20);
                o.MaximumRetryDelay = TimeSpan.FromMilliseconds(100);
            });
            var diagnostics = CaptureDiagnostics();
            Assert.Equal("paused", (await admin.PauseRuntimeAsync()).State);
            try
            {
                Task<RunStream> starting = connection.StartRunAsync(Run("echo", "after the pause"));
                // Signal, not a sleep: the server has refused the run at least twice, so the client is retrying.
                await WaitUntilAsync(() => _server.Count("POST", "/v1/runs") >= 2, "two refused attempts");
                Assert.False(starting.IsCompleted);
                await admin.ResumeRuntimeAsync();

                using RunStream stream = await starting.WaitAsync(HangGuard);
                await ReadAllAsync(stream);
                Assert.Equal("after the pause", stream.Result.Text);
            }
            finally
            {
                if ((await admin.GetRuntimeStateAsync()).State != "running")
                {
                    await admin.ResumeRuntimeAsync();
                }
            }

            Assert.Contains(diagnostics, d => d.Text.Contains("answered 503 runtime_paused; retry 1 of 50"));
            Assert.True(_server.Count("POST", "/v1/runs") >= 3);
        }

        [Fact]
        public async Task ARuntimeThatStaysPausedRefusesEveryAttemptAndTheRefusalIsThrown()
        {
            using LoomcycleConnection admin = Connect(_server, o => o.MaximumRetryCount = 0);
            using LoomcycleConnection connection = Connect(_server, o => o.MaximumRetryCount = 2);
            await admin.PauseRuntimeAsync();
            try
            {
                var error = await Assert.ThrowsAsync<UnavailableException>(() => connection.StartRunAsync(Run()));
                Assert.Equal(503, error.StatusCode);
                Assert.Equal("runtime_paused", error.Code);
                Assert.Equal(3, _server.Count("POST", "/v1/runs"));
            }
            finally
            {
                await admin.ResumeRuntimeAsync();
            }
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

            // No wait needed: a resend happens inside the call, before its error surfaces, and the server records every
            // request on arrival, before it answers or drops it.
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
            // A stream is never resent: had the client tried, the call would have done it before the error surfaced.
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
            _server.Enqueue("POST", "/v1/runs", Faults.RetryAfter(429, "per_user_quota_exhausted", "1"));

            using RunStream stream = await connection.StartRunAsync(Run());
            await ReadAllAsync(stream);

            var attempts = _server.Requests.Where(r => r.Path == "/v1/runs").ToList();
            Assert.Equal(2, attempts.Count);
            Assert.True(attempts[1].ReceivedAt - attempts[0].ReceivedAt >= TimeSpan.FromMilliseconds(950), "the retry came before Retry-After: 1 elapsed");
            Assert.Contains(diagnostics, d => d.Text.Contains("answered 429 per_user_quota_exhausted (Retry-After 1 s); retry 1 of 2 in 1"));
        }

        [Fact]
        public async Task RetryAfterAsAnHttpDateIsHonoured()
        {
            var diagnostics = CaptureDiagnostics();
            using LoomcycleConnection connection = Connect(_server, o => o.MaximumRetryDelay = TimeSpan.FromSeconds(10));
            // A reverse proxy's 503 page with an HTTP-date (the server itself sends only seconds). The date has whole-second
            // precision; 3 s ahead leaves 2–3 s to wait, and the check below does not depend on how fast this machine is:
            // a client that honours the date cannot send the retry before it, however late it read the answer.
            DateTimeOffset notBefore = DateTimeOffset.UtcNow.AddSeconds(3);
            string date = notBefore.ToString("r", CultureInfo.InvariantCulture);
            DateTimeOffset dateValue = DateTimeOffset.Parse(date, CultureInfo.InvariantCulture);
            _server.Enqueue("GET", "/v1/_state", ctx =>
            {
                ctx.Response.Headers["Retry-After"] = date;
                return Faults.Html(503)(ctx);
            });

            await connection.GetRuntimeStateAsync().WaitAsync(HangGuard);

            var attempts = _server.Requests.Where(r => r.Path == "/v1/_state").ToList();
            Assert.Equal(2, attempts.Count);
            Assert.True(attempts[1].ReceivedAt >= dateValue - TimeSpan.FromMilliseconds(50), $"the retry came at {attempts[1].ReceivedAt:HH:mm:ss.fff}, before the Retry-After date {dateValue:HH:mm:ss}");
            Assert.Contains(diagnostics, d => d.Text.Contains("answered 503 (Retry-After "));
        }

        [Fact]
        public async Task ALongRetryAfterIsCappedAtMaximumRetryDelay()
        {
            var diagnostics = CaptureDiagnostics();
            using LoomcycleConnection connection = Connect(_server, o => o.MaximumRetryDelay = TimeSpan.FromMilliseconds(100));
            _server.Enqueue("POST", "/v1/runs", Faults.RetryAfter(429, "per_user_quota_exhausted", "3600"));

            using RunStream stream = await connection.StartRunAsync(Run()).WaitAsync(HangGuard);
            await ReadAllAsync(stream);

            Assert.Equal(2, _server.Count("POST", "/v1/runs"));
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
                _server.Enqueue("POST", "/v1/runs", Faults.RetryAfter(429, "per_user_quota_exhausted", "1"));
            }

            await Assert.ThrowsAsync<BackpressureException>(() => connection.StartRunAsync(Run()));

            // Waits of 0.1 s each: two fit in 0.25 s, a third would not.
            Assert.Equal(3, _server.Count("POST", "/v1/runs"));
            _server.ClearOverrides();
        }

        [Fact]
        public async Task ARetryWaitEndsAtOnceWhenCancelled()
        {
            using LoomcycleConnection connection = Connect(_server, o => o.MaximumRetryDelay = TimeSpan.FromSeconds(60));
            _server.Enqueue("POST", "/v1/runs", Faults.RetryAfter(429, "per_user_quota_exhausted", "60"));
            using var cancel = new CancellationTokenSource();
            var diagnostics = CaptureDiagnostics();

            Task call = connection.StartRunAsync(Run(), cancel.Token);
            // Signal: the client announces the wait just before it starts waiting.
            await WaitUntilAsync(() => diagnostics.Any(d => d.Text.Contains("retry 1 of 2 in")), "the retry announcement");
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(HangGuard));
            Assert.Equal(1, _server.Count("POST", "/v1/runs"));
            _server.ClearOverrides();
        }

        [Fact]
        public async Task APerCallRetryCountOverridesTheConnectionDefault()
        {
            using LoomcycleConnection connection = Connect(_server, o => o.MaximumRetryCount = 5);
            CaptureDiagnostics(maximumRetryCount: 0);
            _server.Enqueue("POST", "/v1/runs", Faults.Json(429, "backpressure", "full"));

            await Assert.ThrowsAsync<BackpressureException>(() => connection.StartRunAsync(Run()));

            Assert.Equal(1, _server.Count("POST", "/v1/runs"));
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
