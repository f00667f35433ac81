using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>The run-state watcher's memory over a long watch (GET /v1/users/{id}/agents and …/agents/stream).</summary>
    public sealed class RunStateWatcherTests : EngineTest
    {
        public RunStateWatcherTests(ServerFixture fixture) : base(fixture) { }

        [Fact]
        public async Task EndedRunsThatLeftTheListingAreForgottenOnReconnectAndRunsStillGoingAreKept()
        {
            RunStateBus bus = Server.State.RunStates;
            int subscribed = bus.TotalSubscriptions;
            DateTimeOffset anHourAgo = DateTimeOffset.UtcNow.AddHours(-1);
            List<AgentRecord> early = Enumerable.Range(0, 3)
                .Select(i => Server.State.AddAgent(new AgentRecord { AgentId = $"a_forget_old{i}", UserId = "u_forget", Status = "running", Agent = "echo", StartedAt = anHourAgo.AddSeconds(i) }))
                .ToList();
            var watcher = new RunStateWatcher(Connection, new RunStateWatchOptions { UserId = "u_forget", ReconnectDelay = TimeSpan.FromMilliseconds(10) });
            using var stop = new CancellationTokenSource(HangGuard);
            IAsyncEnumerator<RunState> states = watcher.WatchAsync(stop.Token).GetAsyncEnumerator(stop.Token);
            Task<bool> next = Task.FromResult(false);
            try
            {
                next = states.MoveNextAsync().AsTask(); // the baseline listing, then the stream
                await bus.WaitForSubscriptionsAsync(subscribed + 1, HangGuard);
                Server.State.SetRunStatus(early[1], "completed", "end_turn");
                Server.State.SetRunStatus(early[2], "failed", error: "boom");
                foreach (string expected in new[] { "a_forget_old1", "a_forget_old2" })
                {
                    Assert.True(await next);
                    Assert.Equal(expected, states.Current.AgentId);
                    next = states.MoveNextAsync().AsTask();
                }

                Assert.Equal(3, watcher.KnownRuns);

                // 100 newer runs push the first three out of the listing (the newest 100); then the server ends the stream.
                for (int i = 0; i < 100; i++)
                {
                    Server.State.AddAgent($"a_forget_new{i}", userId: "u_forget", status: "completed");
                }

                bus.CloseAll();
                for (int i = 0; i < 100; i++)
                {
                    Assert.True(await next); // each newer run is news, from the listing
                    Assert.StartsWith("a_forget_new", states.Current.AgentId, StringComparison.Ordinal);
                    next = states.MoveNextAsync().AsTask();
                }

                // Forgotten: the two that ended and left the listing. Kept: the one still running, though unlisted.
                Assert.Equal(101, watcher.KnownRuns);

                // It is still watched: its end is written once.
                await bus.WaitForSubscriptionsAsync(subscribed + 2, HangGuard);
                Server.State.SetRunStatus(early[0], "completed", "end_turn");
                Assert.True(await next);
                Assert.Equal("a_forget_old0", states.Current.AgentId);
                Assert.Equal("completed", states.Current.Status);
            }
            finally
            {
                stop.Cancel();
                try
                {
                    await next; // a read still pending ends with the cancellation
                }
                catch (OperationCanceledException)
                {
                }

                await states.DisposeAsync();
            }
        }
    }
}
