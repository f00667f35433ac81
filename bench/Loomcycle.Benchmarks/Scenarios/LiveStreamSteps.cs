using System;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer;

namespace Loomcycle.Benchmarks.Scenarios
{
    /// <summary>
    /// The steps between scenario 1's bare loop and the engine, on the same live stream (<c>--profile live</c>): the bare
    /// loop through the engine's guard stream, and the engine's <see cref="RunStream"/> over a response the bare client
    /// opened. Each read is counted.
    /// </summary>
    public sealed class LiveStreamSteps
    {
        private static readonly byte[] RunBody = Encoding.UTF8.GetBytes("{\"agent\":\"chatty\",\"prompt\":\"1\"}");
        private readonly StreamScenario _scenario;

        public LiveStreamSteps(StreamScenario scenario) => _scenario = scenario;

        /// <summary>Reads of the response body since the last reset.</summary>
        public long Reads { get; set; }

        /// <summary>The bare loop, with the body wrapped in the engine's guard (size cap, idle timeout, frame tracking).</summary>
        public async Task<int> BareThroughGuardAsync()
        {
            using HttpResponseMessage response = await OpenAsync().ConfigureAwait(false);
            Stream raw = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            using var guarded = new GuardedEventStream(new CountingStream(raw, this), 32 << 20, TimeSpan.FromSeconds(60));
            SseParser<RunEvent?> parser = SseParser.Create(guarded, static (type, data) => JsonSerializer.Deserialize(data, LoomcycleJsonContext.Default.RunEvent));
            int count = 0;
            await foreach (SseItem<RunEvent?> item in parser.EnumerateAsync().ConfigureAwait(false))
            {
                if (item.Data is not null)
                {
                    count++;
                }
            }

            return count;
        }

        /// <summary>The engine's RunStream (parse, secret search, frame bytes, result) over the bare client's response.</summary>
        public async Task<int> EngineOverBareResponseAsync()
        {
            HttpResponseMessage response = await OpenAsync().ConfigureAwait(false);
            Stream raw = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            response.Content = new StreamContent(new CountingStream(raw, this));
            using var stream = new RunStream(response, _scenario.Server.Connection, "chatty", Array.Empty<string>());
            int count = 0;
            await foreach (RunEvent ev in stream.ReadEventsAsync().ConfigureAwait(false))
            {
                count++;
            }

            return count;
        }

        private async Task<HttpResponseMessage> OpenAsync()
        {
            _scenario.Server.NextRun(Faults.RawSse(_scenario.Corpus.Chunks));
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/runs") { Content = new ByteArrayContent(RunBody) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Accept.ParseAdd("text/event-stream");
            HttpResponseMessage response = await _scenario.Server.Bare.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            return response;
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
