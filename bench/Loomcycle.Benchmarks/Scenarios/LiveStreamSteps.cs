using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.Benchmarks.Infrastructure;

namespace Loomcycle.Benchmarks.Scenarios
{
    /// <summary>
    /// The steps between scenario 1's bare loop and the engine, on the same live stream (<c>--profile live</c>): the bare
    /// loop through the engine's guard stream, and the engine's <see cref="RunStream"/> over a response the bare client
    /// opened. Each read is counted.
    /// </summary>
    public sealed class LiveStreamSteps
    {
        private readonly StreamScenario _scenario;

        public LiveStreamSteps(StreamScenario scenario) => _scenario = scenario;

        /// <summary>Reads of the response body since the last reset.</summary>
        public long Reads { get; set; }

        /// <summary>The bare loop, with the body wrapped in the engine's guard (size cap, idle timeout, frame tracking).</summary>
        public async Task<int> BareThroughGuardAsync()
        {
            using HttpResponseMessage response = await _scenario.OpenBareAsync().ConfigureAwait(false);
            Stream raw = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            using var guarded = new GuardedEventStream(new CountingStream(raw, this), 32 << 20, TimeSpan.FromSeconds(60));
            return await EventCount.BareAsync(guarded).ConfigureAwait(false);
        }

        /// <summary>The engine's RunStream (parse, secret search, frame bytes, result) over the bare client's response.</summary>
        public async Task<int> EngineOverBareResponseAsync()
        {
            HttpResponseMessage response = await _scenario.OpenBareAsync().ConfigureAwait(false);
            Stream raw = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            response.Content = new StreamContent(new CountingStream(raw, this));
            using var stream = new RunStream(response, _scenario.Server.Connection, "chatty", Array.Empty<string>());
            return await EventCount.EngineAsync(stream).ConfigureAwait(false);
        }

        private sealed class CountingStream : Stream
        {
            private readonly Stream _inner;
            private readonly LiveStreamSteps _steps;

            public CountingStream(Stream inner, LiveStreamSteps steps)
            {
                _inner = inner;
                _steps = steps;
            }

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            {
                int read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                _steps.Reads++;
                return read;
            }

            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    _inner.Dispose();
                }

                base.Dispose(disposing);
            }
        }
    }
}
