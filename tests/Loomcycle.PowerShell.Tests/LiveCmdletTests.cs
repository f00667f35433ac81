using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>Watch-/Wait-LoomcycleAgent against the fake server's run-state stream (reconnects, drops, reconciliation).</summary>
    public sealed class LiveWatchCmdletTests : IClassFixture<ServerAndSession>
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
        private readonly ServerAndSession _fixture;

        public LiveWatchCmdletTests(ServerAndSession fixture)
        {
            _fixture = fixture;
            _fixture.Server.Reset();
            _fixture.Server.State.RunStates.Stalled = false;
            _fixture.Server.State.RunStates.BufferSize = 64;
        }

        private FakeLoomcycleServer Server => _fixture.Server;

        /// <summary>Output of a pipeline running in the background, with a wait for "at least n objects".</summary>
        private sealed class Live : IDisposable
        {
            private readonly SemaphoreSlim _added = new(0);

            public Live(System.Management.Automation.PowerShell ps)
            {
                PowerShell = ps;
                Output.DataAdded += (_, _) => _added.Release();
                Running = ps.BeginInvoke<PSObject, PSObject>(null, Output);
            }

            public System.Management.Automation.PowerShell PowerShell { get; }
            public PSDataCollection<PSObject> Output { get; } = new();
            public IAsyncResult Running { get; }

            public async Task WaitForCountAsync(int count)
            {
                using var timeout = new CancellationTokenSource(Patience);
                while (Output.Count < count)
                {
                    await _added.WaitAsync(timeout.Token);
                }
            }

            public void Dispose()
            {
                if (!Running.IsCompleted) PowerShell.Stop();
                PowerShell.Dispose();
            }
        }

        [Fact]
        public async Task ThreeReconnectsWithDroppedEventsWriteEveryTerminalStateExactlyOnce()
        {
            RunStateBus bus = Server.State.RunStates;
            bus.BufferSize = 2;
            int subscribed = bus.TotalSubscriptions; // the bus lives as long as the server: count from here
            var runs = Enumerable.Range(0, 10).Select(i => Server.State.AddAgent($"a_w{i}", userId: "u1", status: "running")).ToList();
            Server.State.AddAgent("a_old", userId: "u1", status: "completed"); // ended before the watch: never written

            using var watch = new Live(_fixture.Session.Create("Watch-LoomcycleAgent -UserId u1 -Status completed, failed, cancelled -TimeoutSec 60"));
            await bus.WaitForSubscriptionsAsync(subscribed + 1, Patience);

            // Connection 1: two changes arrive live.
            Server.State.SetRunStatus(runs[0], "completed", "end_turn");
            Server.State.SetRunStatus(runs[1], "completed", "end_turn");
            await watch.WaitForCountAsync(2);

            // Three times: the reader stalls, changes pile up past the 2-event buffer (dropped), then the server ends the
            // stream (like its 30-minute close); what was buffered is lost too. Only the listing on reconnect can find them.
            void Lose(Action changes, int connection)
            {
                bus.Stalled = true;
                changes();
                Server.State.SetRunStatus(runs[0], "completed"); // a repeat of a state already written
                bus.CloseAll();
                bus.Stalled = false;
            }

            int droppedBefore = bus.Dropped;
            Lose(() => { Server.State.SetRunStatus(runs[2], "completed"); Server.State.SetRunStatus(runs[3], "completed"); Server.State.SetRunStatus(runs[4], "completed"); }, 2);
            await bus.WaitForSubscriptionsAsync(subscribed + 2, Patience);
            await watch.WaitForCountAsync(5);
            Lose(() => { Server.State.SetRunStatus(runs[5], "failed", error: "boom"); Server.State.SetRunStatus(runs[6], "cancelled", "operator"); }, 3);
            await bus.WaitForSubscriptionsAsync(subscribed + 3, Patience);
            await watch.WaitForCountAsync(7);
            Lose(() => { foreach (int i in new[] { 7, 8, 9 }) Server.State.SetRunStatus(runs[i], "completed"); }, 4);
            await bus.WaitForSubscriptionsAsync(subscribed + 4, Patience);
            await watch.WaitForCountAsync(10);
            Assert.True(bus.Dropped > droppedBefore, "the stalled stream should have dropped events");

            // Repeats of every terminal state, then one new change as a barrier: only the new one may be written.
            bus.BufferSize = 64;
            foreach (AgentRecord r in runs) Server.State.SetRunStatus(r, r.Status);
            AgentRecord late = Server.State.AddAgent("a_late", userId: "u1", status: "running");
            Server.State.SetRunStatus(late, "completed");
            await watch.WaitForCountAsync(11);
            watch.PowerShell.Stop();

            List<string?> ids = watch.Output.Select(o => o.Str("AgentId")).ToList();
            Assert.Equal(11, ids.Count);
            Assert.Equal(runs.Select(r => r.AgentId).Append("a_late").OrderBy(x => x), ids.OrderBy(x => x));
            Assert.All(watch.Output, o => Assert.Equal("Loomcycle.RunState", o.TypeName()));
            PSObject failed = watch.Output.Single(o => o.Str("AgentId") == "a_w5");
            Assert.Equal("failed", failed.Str("Status"));
            Assert.Equal("boom", failed.Str("Error"));
            Assert.Equal("listing", failed.Str("Source"));
            Assert.Equal("operator", watch.Output.Single(o => o.Str("AgentId") == "a_w6").Str("StopReason"));
            Assert.Equal("stream", watch.Output.Single(o => o.Str("AgentId") == "a_late").Str("Source"));
            Assert.Equal(subscribed + 4, bus.TotalSubscriptions);
            Assert.Contains("GET /v1/users/u1/agents/stream?status=completed%2Cfailed%2Ccancelled", Server.Wire());
            Assert.Equal(5, Server.Wire().Count(w => w == "GET /v1/users/u1/agents?status=all")); // the baseline, then one per connect
        }

        [Fact]
        public async Task IncludeExistingWritesCurrentStatesAndStoppingClosesTheStream()
        {
            RunStateBus bus = Server.State.RunStates;
            int subscribed = bus.TotalSubscriptions;
            Server.State.AddAgent("a_done", userId: "u2", status: "completed");
            AgentRecord run = Server.State.AddAgent("a_run", userId: "u2", status: "running");
            using var watch = new Live(_fixture.Session.Create("Watch-LoomcycleAgent u2 -IncludeExisting -Agent echo"));
            await watch.WaitForCountAsync(2);
            Assert.Equal(new[] { "a_done", "a_run" }, watch.Output.Select(o => o.Str("AgentId")).OrderBy(x => x));
            await bus.WaitForSubscriptionsAsync(subscribed + 1, Patience);
            Server.State.SetRunStatus(run, "completed");
            await watch.WaitForCountAsync(3);
            Assert.Equal("completed", watch.Output[2].Str("Status"));
            Assert.Equal("stream", watch.Output[2].Str("Source"));
            Assert.All(watch.Output.Take(2), o => Assert.Equal("listing", o.Str("Source")));
            watch.PowerShell.Stop();
            Assert.Contains("GET /v1/users/u2/agents/stream?agent=echo", Server.Wire());
            Assert.True(SpinWait.SpinUntil(() => bus.Subscribers == 0, Patience), "stopping the pipeline closes the stream");
        }

        [Fact]
        public void ATimeoutBeyondWhatATimerHoldsMeansNoLimit()
        {
            // [int]::MaxValue seconds (often meant as "no limit") is longer than a timer can run (~24.8 days).
            AgentRecord run = Server.State.AddAgent("a_longwait", userId: "u7", status: "running");
            _ = Task.Run(async () =>
            {
                await Task.Delay(300);
                Server.State.SetRunStatus(run, "completed", "end_turn");
            });
            var waited = _fixture.Session.Run("Wait-LoomcycleAgent -AgentId a_longwait -TimeoutSec ([int]::MaxValue)").ThrowIfErrors();
            Assert.Equal("completed", Assert.Single(waited.Output).Str("Status"));

            var received = _fixture.Session.Run("$r = Invoke-LoomcycleRun -Agent echo -Prompt hi -AsResult; Receive-LoomcycleRun $r.RunId -TimeoutSec ([int]::MaxValue)").ThrowIfErrors();
            Assert.Contains(received.Output, o => o.Str("Type") == "done");
        }

        [Fact]
        public void StatusesInAnyCaseAreWatched()
        {
            // -Status Failed bound (ValidateSet ignores case) and was then refused by the engine's case-sensitive check.
            var result = _fixture.Session.Run("Watch-LoomcycleAgent u3 -Status Failed, COMPLETED -TimeoutSec 1; 'after'").ThrowIfErrors();
            Assert.Equal("after", Assert.Single(result.Output).ToString());
        }

        [Fact]
        public void TimeoutSecEndsTheWatchQuietly()
        {
            var result = _fixture.Session.Run("Watch-LoomcycleAgent u3 -TimeoutSec 1; 'after'").ThrowIfErrors();
            Assert.Equal("after", Assert.Single(result.Output).ToString());
        }

        [Fact]
        public void AnInvalidUserIdFailsBeforeSendingAndAServerRefusalIsTyped()
        {
            var result = _fixture.Session.Run("Watch-LoomcycleAgent 'u/1'");
            result.AssertSingleError("InvalidArgument", "WatchLoomcycleAgentCommand", ErrorCategory.InvalidArgument, "u/1");
            Assert.Empty(Server.Wire());

            Server.Enqueue("GET", "/v1/users/u4/agents/stream", ctx =>
            {
                ctx.Response.StatusCode = 404;
                ctx.Response.ContentType = "application/json";
                return ctx.Response.WriteAsync("{\"code\":\"not_found\",\"error\":\"not found\"}\n");
            });
            var refused = _fixture.Session.Run("Watch-LoomcycleAgent u4");
            refused.AssertSingleError("NotFound", "WatchLoomcycleAgentCommand", ErrorCategory.ObjectNotFound, "u4");
        }

        [Fact]
        public async Task WaitWritesEachAgentAsItEndsEvenWhenItsEventIsDropped()
        {
            int subscribed = Server.State.RunStates.TotalSubscriptions;
            AgentRecord a = Server.State.AddAgent("a_x1", userId: "u5", status: "running");
            AgentRecord b = Server.State.AddAgent("a_x2", userId: "u5", status: "running");
            Server.State.AddAgent("a_x3", userId: "u5", status: "completed");
            using var wait = new Live(_fixture.Session.Create("'a_x1', 'a_x2', 'a_x3' | ForEach-Object { [pscustomobject]@{ AgentId = $_ } } | Wait-LoomcycleAgent -TimeoutSec 60"));
            await wait.WaitForCountAsync(1); // the one already ended comes at once
            await Server.State.RunStates.WaitForSubscriptionsAsync(subscribed + 1, Patience);

            Server.State.SetRunStatus(a, "completed");
            await wait.WaitForCountAsync(2);

            // b's event is lost with the stream; the re-read on reconnect finds it.
            Server.State.RunStates.Stalled = true;
            Server.State.SetRunStatus(b, "failed", error: "boom");
            Server.State.RunStates.CloseAll();
            Server.State.RunStates.Stalled = false;
            wait.PowerShell.EndInvoke(wait.Running);

            Assert.Equal(new[] { "a_x3", "a_x1", "a_x2" }, wait.Output.Select(o => o.Str("AgentId")));
            Assert.All(wait.Output, o => Assert.Equal("Loomcycle.Agent", o.TypeName()));
            Assert.Equal("failed", wait.Output[2].Str("Status"));
            Assert.Empty(wait.PowerShell.Streams.Error);
        }

        [Fact]
        public void WaitTimesOutWithOneErrorNamingTheRunsStillGoing()
        {
            Server.State.AddAgent("a_slow1", userId: "u6", status: "running");
            Server.State.AddAgent("a_slow2", userId: "u7", status: "running");
            Server.State.AddAgent("a_fast", userId: "u7", status: "cancelled");
            var result = _fixture.Session.Run("Wait-LoomcycleAgent a_slow1, a_slow2, a_fast, a_nope -TimeoutSec 1");
            Assert.Equal("a_fast", Assert.Single(result.Output).Str("AgentId"));
            Assert.Equal(2, result.AllErrors.Count());
            CmdletTestHelpers.AssertError(result.Errors[0], "AgentNotFound", "WaitLoomcycleAgentCommand", ErrorCategory.ObjectNotFound, "a_nope");
            ErrorRecord timeout = result.Errors[1];
            Assert.Equal("WaitTimeout,Loomcycle.PowerShell.Commands.WaitLoomcycleAgentCommand", timeout.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.OperationTimeout, timeout.CategoryInfo.Category);
            Assert.Equal(new[] { "a_slow1", "a_slow2" }, ((IEnumerable<string>)timeout.TargetObject).OrderBy(x => x));
            Assert.Contains("a_slow1", timeout.Exception.Message);
            Assert.Contains("a_slow2", timeout.Exception.Message);
        }

        [Fact]
        public void WaitBindsFromARunResult()
        {
            var result = _fixture.Session.Run("Invoke-LoomcycleRun echo 'hi there' -UserId u8 -AsResult | Wait-LoomcycleAgent -TimeoutSec 30").ThrowIfErrors();
            PSObject agent = Assert.Single(result.Output);
            Assert.Equal("Loomcycle.Agent", agent.TypeName());
            Assert.Equal("completed", agent.Str("Status"));
            Assert.Equal("u8", agent.Str("UserId"));
        }
    }
}
