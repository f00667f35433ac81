using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    /// <summary>
    /// An open run stream. Created once the server answered 200, so every HTTP error has already been
    /// thrown; from here on failures arrive as <c>error</c> events. Read it once with <see cref="ReadEventsAsync"/>;
    /// <see cref="Result"/> sums the run up as the events pass. Disposing closes the connection, which
    /// makes the server cancel a run that is still going.
    /// </summary>
    public sealed class RunStream : IDisposable
    {
        private const int MalformedExcerptLength = 200;

        private readonly HttpResponseMessage _response;
        private readonly LoomcycleConnection _connection;
        private readonly IReadOnlyList<string> _secrets;
        private int _started;

        internal RunStream(HttpResponseMessage response, LoomcycleConnection connection, string? agent, IReadOnlyList<string> secrets)
        {
            _response = response;
            _connection = connection;
            _secrets = secrets;
            Result = new RunResult(agent);
        }

        public RunResult Result { get; }

        /// <summary>Frames that could not be read as JSON and were skipped (each also reported as a warning).</summary>
        public int SkippedFrames { get; private set; }

        /// <summary>Yields each event as soon as its frame is complete. Can be enumerated once.</summary>
        public async IAsyncEnumerable<RunEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _started, 1) != 0)
            {
                throw new InvalidOperationException("A run stream can be read only once.");
            }

            // .NET Framework ignores the token on response-stream reads: closing the response is what unblocks them.
            using CancellationTokenRegistration abort = cancellationToken.Register(static state => ((HttpResponseMessage)state!).Dispose(), _response);
            Stream body = await LoomcycleConnection.ReadStreamAsync(_response.Content, cancellationToken).ConfigureAwait(false);
            using var guarded = new GuardedEventStream(body, _connection.Options.MaximumEventBytes, _connection.Options.StreamIdleTimeout);
            SseParser<RunEvent?> parser = SseParser.Create(guarded, Parse);
            int sequence = 0;
            IAsyncEnumerator<SseItem<RunEvent?>> items = parser.EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    try
                    {
                        if (!await items.MoveNextAsync().ConfigureAwait(false))
                        {
                            break;
                        }
                    }
                    catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (ex is IOException || ex is HttpRequestException || ex is ObjectDisposedException))
                    {
                        Result.EndedMidFrame = guarded.EndedMidFrame;
                        throw new LoomcycleConnectionException(
                            $"The run stream broke after {sequence} events{(guarded.EndedMidFrame ? ", in the middle of an event" : string.Empty)}: {_connection.Redact(ex.Message, _secrets)}", 0, null, null, ex)
                        { Target = Result.RunId ?? Result.AgentId };
                    }

                    RunEvent? ev = items.Current.Data;
                    if (ev is null)
                    {
                        continue;
                    }

                    ev.Sequence = ++sequence;
                    ev.ReceivedAt = DateTimeOffset.Now;
                    Result.Observe(ev);
                    yield return ev;
                }
            }
            finally
            {
                await items.DisposeAsync().ConfigureAwait(false);
                Result.EndedMidFrame = guarded.EndedMidFrame;
                Result.Finish();
            }
        }

        public void Dispose() => _response.Dispose();

        private RunEvent? Parse(string eventType, ReadOnlySpan<byte> data)
        {
            RunEvent? ev;
            try
            {
                ev = JsonSerializer.Deserialize(data, LoomcycleJsonContext.Default.RunEvent);
            }
            catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException || ex is ArgumentException || ex is DecoderFallbackException)
            {
                ev = null;
                LoomcycleDiagnostics.Warning($"Skipped a '{eventType}' event whose data is not valid JSON ({ex.Message}): {Excerpt(data)}");
            }

            if (ev is null)
            {
                SkippedFrames++;
                return null;
            }

            ev.SetRawData(data);
            if (string.IsNullOrEmpty(ev.Type))
            {
                ev.Type = eventType; // side-channel frames (agent) carry no type: the event name is the type
            }

            if (ev.Type == "session" && ev.SessionId is null)
            {
                ev.SessionId = ev.Text;
            }
            else if (ev.Type == "error")
            {
                ev.Error = _connection.Redact(ev.Error, _secrets);
                ev.Data = _connection.Redact(ev.Data, _secrets)!;
            }

            return ev;
        }

        private string Excerpt(ReadOnlySpan<byte> data)
        {
            string text = Encoding.UTF8.GetString(data.Slice(0, Math.Min(data.Length, MalformedExcerptLength)).ToArray());
            return _connection.Redact(text, _secrets) + (data.Length > MalformedExcerptLength ? "…" : string.Empty);
        }
    }
}
