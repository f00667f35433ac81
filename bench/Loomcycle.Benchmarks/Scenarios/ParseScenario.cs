using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Threading.Tasks;
using Loomcycle.Benchmarks.Infrastructure;

namespace Loomcycle.Benchmarks.Scenarios
{
    /// <summary>
    /// Scenario 1 without the network: the same corpus from memory, so the engine's own per-event cost (guard stream,
    /// raw Data text, sequence and time stamps, the RunResult summary) is measured without the loopback noise.
    /// </summary>
    public sealed class ParseScenario : IDisposable
    {
        private readonly LoomcycleConnection _connection = new(new LoomcycleConnectionOptions { BaseUri = new Uri("http://127.0.0.1:9/"), Token = BenchServer.TokenSecure() });

        public ParseScenario(StreamShape shape, int scale, int toolResultBytes = 256 * 1024, bool framePerRead = false)
        {
            Corpus = Corpus.Build(shape, scale, toolResultBytes);
            FramePerRead = framePerRead;
        }

        /// <summary>Each read returns at most one frame, as a network stream does when the server flushes every event.</summary>
        public bool FramePerRead { get; }

        private Stream Source() => FramePerRead ? new FrameReadStream(Corpus.Bytes) : new MemoryStream(Corpus.Bytes, writable: false);

        public Corpus Corpus { get; }

        public Task<int> BareAsync() => EventCount.BareAsync(Source());

        /// <summary>The bare loop reading through the engine's guard stream (idle timeout, event-size cap) only.</summary>
        public async Task<int> GuardedAsync()
        {
            using var guarded = new GuardedEventStream(Source(), 32 << 20, TimeSpan.FromSeconds(60));
            return await EventCount.BareAsync(guarded).ConfigureAwait(false);
        }

        public async Task<int> EngineAsync()
        {
            var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StreamContent(Source()) };
            using var stream = new RunStream(response, _connection, "chatty", Array.Empty<string>());
            return await EventCount.EngineAsync(stream).ConfigureAwait(false);
        }

        public void Dispose() => _connection.Dispose();

        /// <summary>Reads end at the end of each frame (a blank line).</summary>
        private sealed class FrameReadStream : MemoryStream
        {
            private readonly byte[] _bytes;

            public FrameReadStream(byte[] bytes)
                : base(bytes, writable: false)
            {
                _bytes = bytes;
            }

            public override int Read(Span<byte> buffer) => base.Read(buffer.Slice(0, Limit(buffer.Length)));

            public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Limit(count));

            public override System.Threading.Tasks.ValueTask<int> ReadAsync(Memory<byte> buffer, System.Threading.CancellationToken cancellationToken = default) =>
                base.ReadAsync(buffer.Slice(0, Limit(buffer.Length)), cancellationToken);

            public override System.Threading.Tasks.Task<int> ReadAsync(byte[] buffer, int offset, int count, System.Threading.CancellationToken cancellationToken) =>
                base.ReadAsync(buffer, offset, Limit(count), cancellationToken);

            private int Limit(int count)
            {
                int start = (int)Position;
                int end = _bytes.AsSpan(start).IndexOf("\n\n"u8);
                return end < 0 ? count : Math.Min(count, end + 2);
            }
        }
    }
}
