using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;
using static Loomcycle.PowerShell.Tests.FaultTests.FaultKit;

namespace Loomcycle.PowerShell.Tests.FaultTests
{
    /// <summary>Retries and a misbehaving server as a user sees them: request counts, verbose lines, warnings, error records.</summary>
    [Collection(FaultCollection.Name)]
    public sealed class MisbehavingServerCmdletTests : IClassFixture<ServerAndSession>
    {
        private const string Started = "event: started\ndata: {\"type\":\"started\"}\n\n";
        private const string Text = "event: text\ndata: {\"type\":\"text\",\"text\":\"hi\"}\n\n";
        private const string Done = "event: done\ndata: {\"type\":\"done\",\"stop_reason\":\"end_turn\"}\n\n";

        private readonly ServerAndSession _fixture;

        public MisbehavingServerCmdletTests(ServerAndSession fixture)
        {
            _fixture = fixture;
            _fixture.Server.ClearOverrides();
            _fixture.Server.ClearRequests();
        }

        private FakeLoomcycleServer Server => _fixture.Server;

        private PowerShellResult Run(string script) => _fixture.Session.Run(script);

        [Fact]
        public void EveryRetryIsVisibleInVerboseAndCountedAtTheServer()
        {
            // Where the real server sends them (spec §1.1): a run refused by the pause gate, then by the queue.
            Server.Enqueue("POST", "/v1/runs", Faults.Json(503, "runtime_paused", PausedMessage));
            Server.Enqueue("POST", "/v1/runs", Faults.Json(429, "backpressure", "queue full"));

            var result = Run("Invoke-LoomcycleRun -Agent echo -Prompt x -AsResult -MaximumRetryCount 2 -RetryIntervalSec 0 -Verbose");

            result.ThrowIfErrors();
            Assert.Equal("x", result.Output.Single().Properties["Text"].Value);
            Assert.Equal(3, Server.Requests.Count(r => r.Path == "/v1/runs"));
            Assert.Contains(result.Verbose, v => v.Contains("answered 503 runtime_paused; retry 1 of 2"));
            Assert.Contains(result.Verbose, v => v.Contains("answered 429 backpressure; retry 2 of 2"));
        }

        [Fact]
        public void TheEnginesRequestLinesFollowTheVerboseAndDebugPreferencesAsWriteVerboseDoes()
        {
            // The bridge passes engine lines on only when PowerShell would write them: each is otherwise a message and a
            // wake-up of the pipeline thread per request. What decides is what decides for WriteVerbose itself.
            Assert.Empty(Run("Remove-LoomcycleSnapshot snap_a -Force").ThrowIfErrors().Verbose);

            var preference = Run("& { $VerbosePreference = 'Continue'; Remove-LoomcycleSnapshot snap_b -Force }").ThrowIfErrors();
            Assert.Contains(preference.Verbose, v => v.Contains("DELETE") && v.Contains("/v1/_snapshots/snap_b"));

            var switchedOff = Run("& { $VerbosePreference = 'Continue'; Remove-LoomcycleSnapshot snap_c -Force -Verbose:$false }").ThrowIfErrors();
            Assert.DoesNotContain(switchedOff.Verbose, v => v.Contains("snap_c"));

            var advancedFunction = Run("function Remove-Old { [CmdletBinding()] param() Remove-LoomcycleSnapshot snap_d -Force }; Remove-Old -Verbose").ThrowIfErrors();
            Assert.Contains(advancedFunction.Verbose, v => v.Contains("/v1/_snapshots/snap_d"));

            var debug = Run("Remove-LoomcycleSnapshot snap_e -Force -Debug").ThrowIfErrors();
            Assert.Contains(debug.Debug, d => d.Contains("/v1/_snapshots/snap_e ->"));
            Assert.Empty(debug.Verbose);
            Assert.Equal(5, Server.Requests.Count(r => r.Method == "DELETE"));
        }

        [Fact]
        public void TheConnectionsRetryDefaultAppliesAndACmdletParameterOverridesIt()
        {
            string url = Server.BaseUri.ToString();
            Server.Enqueue("POST", "/v1/runs", Faults.Json(503, "runtime_paused", PausedMessage));
            var none = Run($"$c = Connect-Loomcycle {Quote(url)} -MaximumRetryCount 0 -RetryIntervalSec 0 -PassThru -NoDefault; Invoke-LoomcycleRun -Connection $c -Agent echo -Prompt x");
            Assert.Equal("UnavailableException", Assert.Single(none.AllErrors).Exception.GetType().Name);
            Assert.Equal(1, Server.Requests.Count(r => r.Path == "/v1/runs"));

            Server.ClearRequests();
            Server.Enqueue("POST", "/v1/runs", Faults.Json(503, "runtime_paused", PausedMessage));
            Run("Invoke-LoomcycleRun -Connection $c -Agent echo -Prompt x -MaximumRetryCount 1").ThrowIfErrors();
            Assert.Equal(2, Server.Requests.Count(r => r.Path == "/v1/runs"));
        }

        private const string PausedMessage = "runtime is paused (snapshot quiesce); retry after resume";

        [Fact]
        public async Task APausedRuntimeRefusesARunAndTheCmdletRetriesUntilItIsResumed()
        {
            // The real case: Suspend-LoomcycleRuntime pauses the server, whose pause gate answers POST /v1/runs with
            // 503 runtime_paused; with retries on, the run goes through once the runtime is resumed.
            Run("Suspend-LoomcycleRuntime -Confirm:$false").ThrowIfErrors();
            try
            {
                using System.Management.Automation.PowerShell ps = _fixture.Session.Create(
                    "Invoke-LoomcycleRun -Agent echo -Prompt 'after resume' -AsResult -MaximumRetryCount 20 -RetryIntervalSec 1 -Verbose");
                IAsyncResult running = ps.BeginInvoke();
                await WaitUntilAsync(() => Server.Requests.Count(r => r.Path == "/v1/runs") >= 2, "two refused attempts");
                Assert.False(running.IsCompleted);
                Assert.Equal("paused", Server.State.RuntimeState);
                using (var admin = new PowerShellSession())
                {
                    admin.Run($"Connect-Loomcycle {Quote(Server.BaseUri.ToString())}; Resume-LoomcycleRuntime -Confirm:$false").ThrowIfErrors();
                }

                var output = await Task.Run(() => ps.EndInvoke(running)).WaitAsync(HangGuard);
                Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error));
                Assert.Equal("after resume", Assert.Single(output).Properties["Text"].Value);
                Assert.Contains(ps.Streams.Verbose, v => v.Message.Contains("answered 503 runtime_paused; retry 1 of 20"));
                Assert.True(Server.Requests.Count(r => r.Path == "/v1/runs") >= 3);
            }
            finally
            {
                Run("Resume-LoomcycleRuntime -Confirm:$false -ErrorAction SilentlyContinue");
            }
        }

        [Fact]
        public void ARuntimeThatStaysPausedRefusesEveryAttemptWithAnUnavailableErrorRecord()
        {
            Run("Suspend-LoomcycleRuntime -Confirm:$false").ThrowIfErrors();
            try
            {
                var result = Run("Invoke-LoomcycleRun -Agent echo -Prompt x -MaximumRetryCount 2 -RetryIntervalSec 0");
                ErrorRecord error = Assert.Single(result.AllErrors);
                Assert.Equal(ErrorCategory.ResourceUnavailable, error.CategoryInfo.Category);
                Assert.Contains("runtime_paused", error.Exception.Message);
                Assert.Equal(3, Server.Requests.Count(r => r.Path == "/v1/runs"));
            }
            finally
            {
                Run("Resume-LoomcycleRuntime -Confirm:$false").ThrowIfErrors();
            }
        }

        [Theory]
        [InlineData(400)]
        [InlineData(401)]
        [InlineData(403)]
        [InlineData(404)]
        [InlineData(409)]
        [InlineData(422)]
        public void ARunRefusedWithAClientErrorIsSentOnce(int status)
        {
            Server.Enqueue("POST", "/v1/runs", Faults.PlainText(status, "refused"));
            Server.Enqueue("POST", "/v1/runs", Faults.PlainText(status, "refused"));

            var result = Run("Invoke-LoomcycleRun -Agent echo -Prompt x -MaximumRetryCount 5 -RetryIntervalSec 0");

            Assert.Single(result.AllErrors);
            Assert.Equal(1, Server.Requests.Count(r => r.Path == "/v1/runs"));
            Server.ClearOverrides();
        }

        [Fact]
        public void ARunRefusedWith429IsRetriedAndStreamsOnce()
        {
            Server.Enqueue("POST", "/v1/runs", Faults.Json(429, "backpressure", "queue full"));

            var result = Run("Invoke-LoomcycleRun -Agent echo -Prompt 'one more' -AsResult -RetryIntervalSec 0 -Verbose");

            result.ThrowIfErrors();
            Assert.Equal("one more", result.Output.Single().Properties["Text"].Value);
            Assert.Equal(2, Server.Requests.Count(r => r.Path == "/v1/runs"));
            Assert.Contains(result.Verbose, v => v.Contains("retry 1 of"));
        }

        [Fact]
        public void ARunWhoseConnectionIsResetIsNotResentAndSaysWhy()
        {
            Run("Get-LoomcycleHealth").ThrowIfErrors(); // reuse a pooled connection
            Server.ClearRequests();
            Server.Enqueue("POST", "/v1/runs", Faults.ResetConnection());

            var result = Run("Invoke-LoomcycleRun -Agent echo -Prompt x -MaximumRetryCount 5 -RetryIntervalSec 0");

            ErrorRecord error = Assert.Single(result.AllErrors);
            Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
            Assert.Equal(1, Server.Requests.Count(r => r.Path == "/v1/runs"));
        }

        [Fact]
        public void ABrokenFrameIsSkippedWithAWarning()
        {
            Server.Enqueue("POST", "/v1/runs", Faults.RawSse(Started, "event: text\ndata: {not json\n\n", Text, Done));

            var result = Run("Invoke-LoomcycleRun -Agent echo -Prompt x");

            result.ThrowIfErrors();
            Assert.Equal(new[] { "started", "text", "done" }, result.Output.Select(o => (string)o.Properties["Type"].Value));
            Assert.Contains(result.Warnings, w => w.Contains("Skipped a 'text' event whose data is not valid JSON"));
        }

        [Fact]
        public void InvalidUtf8IsSkippedWithAWarning()
        {
            byte[] bad = System.Text.Encoding.ASCII.GetBytes("event: text\ndata: {\"type\":\"text\",\"text\":\"\u0001")
                .Concat(new byte[] { 0xC3, 0x28, 0xFF }).Concat(System.Text.Encoding.ASCII.GetBytes("\"}\n\n")).ToArray();
            Server.Enqueue("POST", "/v1/runs", Faults.RawSse(System.Text.Encoding.ASCII.GetBytes(Started), bad, System.Text.Encoding.ASCII.GetBytes(Done)));

            var result = Run("Invoke-LoomcycleRun -Agent echo -Prompt x");

            result.ThrowIfErrors();
            Assert.Equal(new[] { "started", "done" }, result.Output.Select(o => (string)o.Properties["Type"].Value));
            Assert.Single(result.Warnings);
        }

        [Fact]
        public void AStreamCutMidFrameGivesAnErrorRecordThatSaysSo()
        {
            Server.Enqueue("POST", "/v1/runs", Faults.RawSse(Started, "event: text\ndata: {\"type\":\"te"));

            var result = Run("Invoke-LoomcycleRun -Agent echo -Prompt x");

            ErrorRecord error = Assert.Single(result.AllErrors);
            Assert.Contains("cut in the middle of an event", error.Exception.Message);
            Assert.Equal(ErrorCategory.InvalidResult, error.CategoryInfo.Category);
        }

        [Fact]
        public void AConnectionResetMidStreamGivesAConnectionErrorRecord()
        {
            Server.Enqueue("POST", "/v1/runs", Faults.RawSseThenReset(Started, Text, "{\"error\":\"internal server error\"}"));

            var result = Run("Invoke-LoomcycleRun -Agent echo -Prompt x");

            Assert.Equal(new[] { "started", "text" }, result.Output.Select(o => (string)o.Properties["Type"].Value));
            ErrorRecord error = Assert.Single(result.AllErrors);
            Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
            Assert.Contains("broke after 2 events", error.Exception.Message);
        }

        [Fact]
        public async Task ASilentStreamEndsWithAnOperationTimeoutErrorRecord()
        {
            int aborts = Server.StreamsAbortedByClient;
            Server.Enqueue("POST", "/v1/runs", Faults.Silent());

            var result = Run($"$idle = Connect-Loomcycle {Quote(Server.BaseUri.ToString())} -StreamIdleTimeoutSec 1 -PassThru -NoDefault; Invoke-LoomcycleRun -Connection $idle -Agent echo -Prompt x");

            ErrorRecord error = Assert.Single(result.AllErrors);
            Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
            Assert.StartsWith("LoomcycleTimeout,", error.FullyQualifiedErrorId);
            Assert.Contains("went silent", error.Exception.Message);
            await Server.WaitForStreamAbortsAsync(aborts + 1, HangGuard);
        }

        [Fact]
        public void KeepalivesKeepASlowStreamAlivePastTheIdleTimeout()
        {
            var chunks = new List<(string, TimeSpan)> { (Started, TimeSpan.Zero) };
            // 5 s of nothing but keepalives, one every 0.2 s, against a 3 s idle timeout: a keepalive would have to be late
            // by 15 times its interval for a loaded machine to fake a silence, yet the run outlasts the timeout.
            chunks.AddRange(Enumerable.Repeat((": keepalive\n\n", TimeSpan.FromMilliseconds(200)), 25));
            chunks.Add((Text, TimeSpan.Zero));
            chunks.Add((Done, TimeSpan.Zero));
            Server.Enqueue("POST", "/v1/runs", Faults.RawSse(chunks));

            var result = Run($"$idle = Connect-Loomcycle {Quote(Server.BaseUri.ToString())} -StreamIdleTimeoutSec 3 -PassThru -NoDefault; Invoke-LoomcycleRun -Connection $idle -Agent echo -Prompt x -AsResult");

            result.ThrowIfErrors();
            Assert.Equal(true, result.Output.Single().Properties["Succeeded"].Value);
        }

        [Fact]
        public void AProxyHtmlPageGivesAClearErrorRecord()
        {
            Server.Enqueue("POST", "/v1/runs", Faults.Html(502));

            var result = Run("Invoke-LoomcycleRun -Agent echo -Prompt x -MaximumRetryCount 0");

            ErrorRecord error = Assert.Single(result.AllErrors);
            Assert.Contains("502 Bad Gateway", error.Exception.Message);
            Assert.Contains("HTTP 502", error.Exception.Message);
        }

        [Fact]
        public void AHugeErrorBodyIsCutToAnExcerpt()
        {
            Server.Enqueue("GET", "/healthz", Faults.HugeBody(500, 256L * 1024 * 1024, chunked: true));

            var result = Run("Get-LoomcycleHealth -MaximumRetryCount 0");

            ErrorRecord error = Assert.Single(result.AllErrors);
            Assert.True(error.Exception.Message.Length <= 1100, $"message of {error.Exception.Message.Length} characters");
            Assert.True(((string)error.Exception.GetType().GetProperty("BodyText")!.GetValue(error.Exception)!).Length <= 1024);
        }

        [Fact]
        public void AHugeAnswerToAJsonCallEndsInATypedErrorNotGigabytesOfMemory()
        {
            Server.Enqueue("GET", "/healthz", Faults.HugeBody(200, 3L * 1024 * 1024 * 1024, chunked: true));

            var result = Run("Get-LoomcycleHealth");

            ErrorRecord error = Assert.Single(result.AllErrors);
            Assert.Equal(ErrorCategory.ProtocolError, error.CategoryInfo.Category);
            Assert.Contains("larger than the 64 MiB", error.Exception.Message);
        }

        [Fact]
        public void AWrongContentTypeOnARunIsAProtocolError()
        {
            Server.Enqueue("POST", "/v1/runs", Faults.WrongContentType());

            var result = Run("Invoke-LoomcycleRun -Agent echo -Prompt x");

            ErrorRecord error = Assert.Single(result.AllErrors);
            Assert.Equal(ErrorCategory.ProtocolError, error.CategoryInfo.Category);
            Assert.Contains("Expected an event stream", error.Exception.Message);
        }

        [Fact]
        public async Task ALineWithNoEndEndsAtTheEventCap()
        {
            int aborts = Server.StreamsAbortedByClient;
            Server.Enqueue("POST", "/v1/runs", Faults.EndlessLine());

            var result = Run("Invoke-LoomcycleRun -Agent echo -Prompt x");

            ErrorRecord error = Assert.Single(result.AllErrors);
            Assert.Equal(ErrorCategory.ProtocolError, error.CategoryInfo.Category);
            Assert.Contains("exceeded 32 MiB", error.Exception.Message);
            await Server.WaitForStreamAbortsAsync(aborts + 1, HangGuard);
        }
    }
}
