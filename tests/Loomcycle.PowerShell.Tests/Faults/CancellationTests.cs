using System;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;
using static Loomcycle.PowerShell.Tests.FaultTests.FaultKit;

namespace Loomcycle.PowerShell.Tests.FaultTests
{
    /// <summary>Ctrl+C and downstream stops (R4, R9): the request ends at once, nothing more is written, no worker is left.</summary>
    [Collection(FaultCollection.Name)]
    public sealed class CancellationTests : IClassFixture<ServerAndSession>
    {
        private readonly ServerAndSession _fixture;
        private readonly Xunit.Abstractions.ITestOutputHelper _output;

        public CancellationTests(ServerAndSession fixture, Xunit.Abstractions.ITestOutputHelper output)
        {
            _fixture = fixture;
            _output = output;
        }

        private FakeLoomcycleServer Server => _fixture.Server;

        [Fact]
        public async Task CtrlCDuringAStreamClosesTheConnectionAndWritesNothingMore()
        {
            using System.Management.Automation.PowerShell ps = _fixture.Session.Create("Invoke-LoomcycleRun -Agent hold -Prompt x");
            var output = new PSDataCollection<PSObject>();
            IAsyncResult running = ps.BeginInvoke<PSObject, PSObject>(null, output);
            await WaitUntilAsync(() => output.Any(o => o.Properties["Type"]?.Value as string == "text"), "the first text event");
            Assert.Equal(1, Server.OpenStreams);

            await StopAsync(ps, running);
            int written = output.Count;

            await Server.WaitForStreamAbortAsync(HangGuard);
            Server.ReleaseHeld(); // the server would now send the rest: nobody may receive it
            await WaitUntilAsync(() => Server.OpenStreams == 0, "the server to finish the released run"); // it has written all it would
            Assert.Equal(written, output.Count);
            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
            await AssertNoWorkerLeftAsync();
        }

        [Fact]
        public async Task CtrlCDuringAPipedRemoveSendsNoneOfTheQueuedDeletesAndLeavesNoCall()
        {
            Server.ClearRequests();
            // The second delete hangs: the items PowerShell binds meanwhile queue up behind it (Remove-* queue their
            // deletes, one on the wire at a time); after Ctrl+C none of them may be sent, and none may be left waiting.
            Server.Enqueue("DELETE", "/v1/_snapshots/snap_2", Faults.Delayed(TimeSpan.FromSeconds(20)));
            using System.Management.Automation.PowerShell ps = _fixture.Session.Create(
                "1..20 | ForEach-Object { [pscustomobject]@{ Id = \"snap_$_\" } } | Remove-LoomcycleSnapshot -Force");
            IAsyncResult running = ps.BeginInvoke();
            await WaitUntilAsync(() => Server.Wire().Contains("DELETE /v1/_snapshots/snap_2"), "the second delete");
            await StopAsync(ps, running);

            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
            await AssertNoWorkerLeftAsync(); // every queued delete has ended: none can go out later
            Assert.Equal(new[] { "DELETE /v1/_snapshots/snap_1", "DELETE /v1/_snapshots/snap_2" }, Server.Wire());
        }

        [Fact]
        public async Task CtrlCDuringASyncEndsItsReadsAheadAndSendsNoMore()
        {
            System.IO.DirectoryInfo folder = System.IO.Directory.CreateTempSubdirectory("lc-sync-stop-");
            try
            {
                System.IO.Directory.CreateDirectory(System.IO.Path.Combine(folder.FullName, "agent"));
                for (int i = 0; i < 12; i++)
                {
                    System.IO.File.WriteAllText(System.IO.Path.Combine(folder.FullName, "agent", $"stop-{i:00}.json"), $"{{\"model\": \"m\", \"system_prompt\": \"{i}\"}}");
                }

                var variables = new System.Collections.Generic.Dictionary<string, object?> { ["folder"] = folder.FullName };
                _fixture.Session.Run("Sync-LoomcycleDefinition -Path $folder", variables).ThrowIfErrors(); // creates them
                Server.ClearRequests();
                // Every read of an active version hangs: the sync has six on the wire when Ctrl+C comes.
                for (int i = 0; i < 12; i++)
                {
                    Server.Enqueue("POST", "/v1/_agentdef", Faults.Delayed(TimeSpan.FromSeconds(20)));
                }

                using System.Management.Automation.PowerShell ps = _fixture.Session.Create("Sync-LoomcycleDefinition -Path $folder", variables);
                IAsyncResult running = ps.BeginInvoke();
                await WaitUntilAsync(() => Server.Requests.Count(r => r.Method == "POST") == 6, "six reads on the wire");
                await StopAsync(ps, running);

                Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
                await AssertNoWorkerLeftAsync(); // the reads still ahead were let go, and have ended
                Assert.Equal(6, Server.Requests.Count(r => r.Method == "POST"));
            }
            finally
            {
                Server.ClearOverrides();
                folder.Delete(recursive: true);
            }
        }

        [Fact]
        public async Task CtrlCDuringARetryWaitEndsAtOnceWithoutAnotherRequest()
        {
            Server.ClearRequests();
            // A run refused by the pause gate (spec §1.1: 503 runtime_paused, no Retry-After); the back-off is 15–30 s.
            Server.Enqueue("POST", "/v1/runs", Faults.Json(503, "runtime_paused", "runtime is paused (snapshot quiesce); retry after resume"));
            using System.Management.Automation.PowerShell ps = _fixture.Session.Create("Invoke-LoomcycleRun -Agent echo -Prompt x -MaximumRetryCount 3 -RetryIntervalSec 30 -Verbose");
            IAsyncResult running = ps.BeginInvoke();
            await WaitUntilAsync(() => ps.Streams.Verbose.Any(v => v.Message.Contains("retry 1 of 3")), "the retry announcement");

            // The wait is 30 s; Stop must end it long before (the hang guard is shorter than the wait would be).
            await Task.Run(() => ps.Stop()).WaitAsync(TimeSpan.FromSeconds(15));
            try
            {
                ps.EndInvoke(running);
            }
            catch (PipelineStoppedException)
            {
            }

            await AssertNoWorkerLeftAsync(); // no worker left: nothing can send another attempt any more
            Assert.Equal(1, Server.Requests.Count(r => r.Path == "/v1/runs"));
        }

        [Fact]
        public async Task ADownstreamCommandThatWantsNoMoreStopsTheStreamLikeSelectObjectFirst()
        {
            // Select-Object is not in the hosted engine; Select-FirstTest (a test cmdlet) throws the same
            // StopUpstreamCommandsException that Select-Object -First throws, so the engine's real stop path runs.
            _fixture.Session.Run("Import-Module -Assembly $testAssembly", new System.Collections.Generic.Dictionary<string, object?> { ["testAssembly"] = typeof(SelectFirstTestCommand).Assembly }).ThrowIfErrors();
            const string script = "Invoke-LoomcycleRun -Agent slow -Prompt x -AgentId r9_probe | Select-FirstTest -Type text -First 1; 'after the pipeline'";
            int aborts = Server.StreamsAbortedByClient;
            var result = _fixture.Session.Run(script);

            Assert.Empty(result.AllErrors);
            Assert.Equal(2, result.Output.Count);
            Assert.Equal("slow1 ", result.Output[0].Properties["Text"].Value);
            Assert.Equal("after the pipeline", result.Output[1].BaseObject);
            await Server.WaitForStreamAbortsAsync(aborts + 1, HangGuard); // the run's connection was closed
            await AssertNoWorkerLeftAsync();

            // R9: closing a non-interactive run's stream makes the server cancel the run.
            await WaitUntilAsync(() => Server.State.FindAgent("r9_probe")?.Status == "cancelled", "the run to be recorded as cancelled");
            Assert.Equal("client disconnected", Server.State.FindAgent("r9_probe")!.StopReason);
        }

        [Fact]
        public async Task BreakingOutOfForEachObjectStopsTheStreamToo()
        {
            int aborts = Server.StreamsAbortedByClient;
            var result = _fixture.Session.Run("Invoke-LoomcycleRun -Agent slow -Prompt x | ForEach-Object { if ($_.Type -eq 'text') { $_; break } }");

            Assert.Empty(result.AllErrors);
            Assert.Equal("slow1 ", Assert.Single(result.Output).Properties["Text"].Value);
            await Server.WaitForStreamAbortsAsync(aborts + 1, HangGuard);
            await AssertNoWorkerLeftAsync();
        }

        [Fact]
        public async Task TwentyCancelCyclesLeaveNoWorkerAndNoOpenStream()
        {
            var stopTimes = new System.Collections.Generic.List<double>();
            for (int i = 0; i < 20; i++)
            {
                using System.Management.Automation.PowerShell ps = _fixture.Session.Create("Invoke-LoomcycleRun -Agent hold -Prompt x");
                var output = new PSDataCollection<PSObject>();
                IAsyncResult running = ps.BeginInvoke<PSObject, PSObject>(null, output);
                await WaitUntilAsync(() => output.Any(o => o.Properties["Type"]?.Value as string == "text"), "the first text event");
                var watch = System.Diagnostics.Stopwatch.StartNew();
                await StopAsync(ps, running);
                stopTimes.Add(watch.Elapsed.TotalMilliseconds);
            }

            stopTimes.Sort();
            _output.WriteLine($"R4: Stop() returned after p50 {stopTimes[stopTimes.Count / 2]:0.0} ms, max {stopTimes[^1]:0.0} ms over {stopTimes.Count} cycles (reported, not asserted)");

            await WaitUntilAsync(() => Server.OpenStreams == 0 && Server.HeldCount == 0, "all streams closed");
            await AssertNoWorkerLeftAsync();
        }
    }
}
