using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>The engine's channel read and wait loops (Receive-LoomcycleChannelMessage, Wait-LoomcycleChannel): one call when there is something or no time, the result as the server gave it.</summary>
    public sealed class ChannelPollingTests : EngineTest
    {
        public ChannelPollingTests(ServerFixture fixture) : base(fixture) { }

        [Fact]
        public async Task ReceiveReadsOnceWhenMessagesAreThereAndPeekNeverCommits()
        {
            Server.State.Clear();
            Server.State.AddChannel("poll-a");
            await Connection.PublishChannelAsync("poll-a", "1");
            await Connection.PublishChannelAsync("poll-a", "2");
            Server.ClearRequests();

            ChannelMessage[] peeked = await Connection.ReceiveChannelMessagesAsync("poll-a", peek: true, totalWait: TimeSpan.FromSeconds(5));
            ChannelMessage[] taken = await Connection.ReceiveChannelMessagesAsync("poll-a", totalWait: TimeSpan.FromSeconds(5));
            ChannelMessage[] none = await Connection.ReceiveChannelMessagesAsync("poll-a");

            Assert.Equal(new[] { "1", "2" }, peeked.Select(m => m.PayloadJson));
            Assert.Equal(new[] { "1", "2" }, taken.Select(m => m.PayloadJson));
            Assert.Empty(none);
            Assert.Equal(
                new[] { "POST /v1/_channels/_await", "POST /v1/_channels/poll-a/subscribe", "POST /v1/_channels/poll-a/subscribe" },
                Server.Requests.Select(r => r.Method + " " + r.RawTarget));
        }

        [Fact]
        public async Task WaitWithoutTimeChecksOnceAndReportsTheTimeout()
        {
            Server.State.Clear();
            Server.State.AddChannel("poll-b");
            Server.State.AddChannel("poll-c");
            await Connection.PublishChannelAsync("poll-b", "1");
            Server.ClearRequests();

            ChannelWaitResult any = await Connection.WaitChannelsAsync(new[] { "poll-b", "poll-c" });
            ChannelWaitResult all = await Connection.WaitChannelsAsync(new[] { "poll-b", "poll-c" }, "all");

            Assert.True(any.Satisfied);
            Assert.False(any.TimedOut);
            Assert.False(all.Satisfied);
            Assert.True(all.TimedOut);
            Assert.Equal(2, Server.Requests.Count(r => r.Method + " " + r.RawTarget == "POST /v1/_channels/_await"));
            Assert.Equal(2, Server.Requests.Count);
        }

        [Fact]
        public async Task CancellingEndsAWaitAtOnce()
        {
            Server.State.Clear();
            Server.State.AddChannel("poll-d");
            using var cancel = new CancellationTokenSource();
            Task<ChannelMessage[]> waiting = Connection.ReceiveChannelMessagesAsync("poll-d", totalWait: TimeSpan.FromMinutes(5), cancellationToken: cancel.Token);
            cancel.Cancel();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(HangGuard));
        }
    }
}
