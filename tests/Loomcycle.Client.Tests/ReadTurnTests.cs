using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>
    /// A stream reader with a backlog (every read completes at once) gives its thread-pool thread back once per turn
    /// while other work starves, so many streams read at once all make progress (no thread-pool starvation); a live
    /// stream that waits for its bytes, or a reader on its own thread, never yields.
    /// </summary>
    public sealed class ReadTurnTests
    {
        private static readonly byte[] Backlog = BuildFrames(40_000);

        private static byte[] BuildFrames(int count)
        {
            var sb = new StringBuilder();
            for (int i = 0; i < count; i++)
            {
                sb.Append("event: text\ndata: {\"type\":\"text\",\"text\":\"d").Append(i).Append("\"}\n\n");
            }

            return Encoding.UTF8.GetBytes(sb.ToString());
        }

        /// <summary>Reads to the end in 4 KiB reads, spending <paramref name="workPerRead"/> on each (what parsing costs).</summary>
        private static async Task<byte[]> ReadAllAsync(Stream stream, TimeSpan workPerRead)
        {
            var copy = new MemoryStream();
            var buffer = new byte[4096];
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory())) > 0)
            {
                copy.Write(buffer, 0, read);
                var spent = Stopwatch.StartNew();
                while (spent.Elapsed < workPerRead)
                {
                    Thread.SpinWait(20);
                }
            }

            return copy.ToArray();
        }

        private static GuardedEventStream Guard(Stream inner, TimeSpan idleTimeout, bool othersStarve) =>
            new GuardedEventStream(inner, 1 << 20, idleTimeout) { OthersStarve = () => othersStarve };

        [Theory]
        [InlineData(0)]
        [InlineData(30)]
        public async Task ABacklogReadOnAPoolThread_GivesItsThreadBackWhileOthersStarve_EveryByteReadInOrder(int idleTimeoutSeconds)
        {
            using GuardedEventStream stream = Guard(new MemoryStream(Backlog), TimeSpan.FromSeconds(idleTimeoutSeconds), othersStarve: true);

            // ~500 reads x 20 µs: ~10 ms on a pool thread, ~100 turns of 0.1 ms.
            byte[] read = await Task.Run(() => ReadAllAsync(stream, TimeSpan.FromMilliseconds(0.02)));

            Assert.Equal(Backlog, read);
            Assert.InRange(stream.Yields, 1, Backlog.Length / 4096 + 1);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task APoolThreadReaderNeverYields_WhenNoOtherWorkStarves_OrWhenItsReadsWait(bool readsWait)
        {
            // A backlog with nothing starving; or a live stream, whose every read gives the thread back anyway.
            Stream inner = readsWait ? new WaitingStream(Backlog) : new MemoryStream(Backlog);
            using GuardedEventStream stream = Guard(inner, TimeSpan.FromSeconds(30), othersStarve: readsWait);

            byte[] read = await Task.Run(() => ReadAllAsync(stream, TimeSpan.FromMilliseconds(0.02)));

            Assert.Equal(Backlog, read);
            Assert.Equal(0, stream.Yields);
        }

        [Fact]
        public void ABacklogReadOnItsOwnThread_NeverYields_TheReaderKeepsItsThread()
        {
            // A cmdlet reads on the pipeline thread, which is not the pool's: giving it up would only add a hand-off.
            using GuardedEventStream stream = Guard(new MemoryStream(Backlog), TimeSpan.FromSeconds(30), othersStarve: true);
            byte[]? read = null;
            int threadAtStart = 0, threadAtEnd = -1;
            var reader = new Thread(() =>
            {
                threadAtStart = Environment.CurrentManagedThreadId;
                read = ReadAllAsync(stream, TimeSpan.FromMilliseconds(0.02)).GetAwaiter().GetResult();
                threadAtEnd = Environment.CurrentManagedThreadId;
            });
            reader.Start();
            reader.Join();

            Assert.Equal(Backlog, read);
            Assert.Equal(0, stream.Yields);
            Assert.Equal(threadAtStart, threadAtEnd);
        }

        /// <summary>Every read waits (completes asynchronously), as reads of a live stream wait for the network.</summary>
        /// <remarks>
        /// A millisecond, not Task.Yield: a yielded read could complete on another thread before the reader looked at it
        /// (on a loaded machine it did), and a read the reader sees completed is one that did not wait.
        /// </remarks>
        private sealed class WaitingStream : MemoryStream
        {
            public WaitingStream(byte[] bytes) : base(bytes) { }

            public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            {
                await Task.Delay(1, cancellationToken);
                return await base.ReadAsync(buffer, cancellationToken);
            }
        }
    }
}
