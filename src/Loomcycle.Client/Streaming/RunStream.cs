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
        private readonly SecretSet _secretSet;
        private readonly FrameBytes _frames = new FrameBytes();
        private readonly LocalClock _clock = new LocalClock();
        private int _started;

        internal RunStream(HttpResponseMessage response, LoomcycleConnection connection, string? agent, IReadOnlyList<string> secrets)
        {
            _response = response;
            _connection = connection;
            _secrets = secrets;
            _secretSet = SecretSet.Create(AllSecrets(connection.Secrets, secrets));
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
                    ev.ReceivedAt = _clock.At(guarded.LastReadUtcTicks); // when the bytes that completed it arrived
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

        /// <summary>The connection's secrets, then the stream's own (the order <see cref="LoomcycleConnection.Redact"/> masks them in).</summary>
        private static IReadOnlyList<string> AllSecrets(IReadOnlyList<string> connection, IReadOnlyList<string> stream)
        {
            if (stream.Count == 0)
            {
                return connection;
            }

            var all = new List<string>(connection);
            all.AddRange(stream);
            return all;
        }

        private RunEvent? Parse(string eventType, ReadOnlySpan<byte> data)
        {
            SecretSet secrets = _secretSet;
            if (!secrets.IsEmpty)
            {
                eventType = secrets.Redact(eventType)!;
            }

            RunEvent? ev;
            try
            {
                ev = JsonSerializer.Deserialize(data, LoomcycleJsonContext.Default.RunEvent);
            }
            catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException || ex is ArgumentException || ex is DecoderFallbackException)
            {
                ev = null;
                LoomcycleDiagnostics.Warning(_connection.Redact($"Skipped a '{eventType}' event whose data is not valid JSON ({ex.Message}): {Excerpt(data)}", _secrets)!);
            }

            if (ev is null)
            {
                SkippedFrames++;
                return null;
            }

            // A server or tool that echoes a secret (the token, a user bearer) into any event: mask it in the raw data
            // and read the event again from the masked text, so no field (unknown ones included) keeps it. The search
            // runs on the UTF-8 bytes; only a frame that holds a secret is decoded here, the others when Data is read.
            if (!secrets.IsEmpty && secrets.OccursIn(data))
            {
#if NET8_0_OR_GREATER
                string raw = Encoding.UTF8.GetString(data);
#else
                string raw = Encoding.UTF8.GetString(data.ToArray());
#endif
                string masked = secrets.Redact(raw)!;
                if (!ReferenceEquals(masked, raw))
                {
                    try
                    {
                        ev = JsonSerializer.Deserialize(masked, LoomcycleJsonContext.Default.RunEvent) ?? ev;
                    }
                    catch (JsonException)
                    {
                        // The secret sat inside an escape sequence: no safe reading is left, so the frame is dropped.
                        LoomcycleDiagnostics.Warning($"Skipped a '{eventType}' event that carried a secret and cannot be read once it is masked.");
                        SkippedFrames++;
                        return null;
                    }
                }

                ev.Data = masked;
                RedactDecodedFields(ev, secrets);
            }
            else
            {
                _frames.Keep(ev, data);
                if (!secrets.IsEmpty && secrets.MayHideBehindEscapes(data))
                {
                    // Decoded text can spell a secret the raw JSON hid behind escapes (\u0041 for A).
                    RedactDecodedFields(ev, secrets);
                }
            }

            if (string.IsNullOrEmpty(ev.Type))
            {
                ev.Type = eventType; // side-channel frames (agent) carry no type: the event name is the type
            }

            if (ev.Type == "session" && ev.SessionId is null)
            {
                ev.SessionId = ev.Text;
            }

            return ev;
        }

        private static void RedactDecodedFields(RunEvent ev, SecretSet secrets)
        {
            ev.Text = secrets.Redact(ev.Text);
            ev.Error = secrets.Redact(ev.Error);
            ev.Reasoning = secrets.Redact(ev.Reasoning);
        }

        private string Excerpt(ReadOnlySpan<byte> data)
        {
            string text = Encoding.UTF8.GetString(data.Slice(0, Math.Min(data.Length, MalformedExcerptLength)).ToArray());
            return _connection.Redact(text, _secrets) + (data.Length > MalformedExcerptLength ? "…" : string.Empty);
        }
    }
}
