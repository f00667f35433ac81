using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.ServerSentEvents;
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
        private readonly TextDeferral _textDeferral;
        private readonly LocalClock _clock = new LocalClock();
        private int _started;
        private string? _lastEventType;
        private string? _lastEventTypeMasked;

        internal RunStream(HttpResponseMessage response, LoomcycleConnection connection, string? agent, IReadOnlyList<string> secrets)
        {
            _response = response;
            _connection = connection;
            _secrets = secrets;
            _secretSet = SecretSet.Create(AllSecrets(connection.Secrets, secrets));
            _textDeferral = new TextDeferral(_secretSet);
            Result = new RunResult(agent);
        }

        public RunResult Result { get; }

        /// <summary>Frames that could not be read as JSON and were skipped (each also reported as a warning).</summary>
        public int SkippedFrames { get; private set; }

        /// <summary>Yields each event as soon as its frame is complete. Can be enumerated once.</summary>
        /// <remarks>
        /// A hand-written enumerator over the parser's rather than a second async iterator: an event the parser has
        /// already buffered passes through with no state machine step of its own (the parser's is the only one).
        /// </remarks>
        public IAsyncEnumerable<RunEvent> ReadEventsAsync(CancellationToken cancellationToken = default) => new EventSource(this, cancellationToken);

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
                // The parser makes a new string per event name, but the names repeat: mask each distinct one once.
                if (eventType == _lastEventType)
                {
                    eventType = _lastEventTypeMasked!;
                }
                else
                {
                    _lastEventType = eventType;
                    eventType = _lastEventTypeMasked = secrets.Redact(eventType)!;
                }
            }

            RunEvent? ev;
            TextDeferral deferral = _textDeferral;
            deferral.Enter(); // a long text (a tool result) may stay undecoded until it is read: see DeferredTextConverter
            try
            {
                ev = JsonSerializer.Deserialize(data, LoomcycleJsonContext.Default.RunEvent);
            }
            catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException || ex is ArgumentException || ex is DecoderFallbackException)
            {
                ev = null;
                LoomcycleDiagnostics.Warning(_connection.Redact($"Skipped a '{eventType}' event whose data is not valid JSON ({ex.Message}): {Excerpt(data)}", _secrets)!);
            }
            finally
            {
                TextDeferral.Exit();
            }

            if (ev is null)
            {
                SkippedFrames++;
                return null;
            }

            // A server or tool that echoes a secret (the token, a user bearer) into any event: mask it and read the event
            // again from the masked JSON, so no field (unknown ones included) keeps it. The search runs on the UTF-8
            // bytes; only a frame that holds a secret is decoded here, the others when Data is read.
            string? masked = secrets.IsEmpty ? null : MaskedFrame(data, secrets, deferral);
            if (masked is not null)
            {
                try
                {
                    ev = masked.Length == 0 ? null : JsonSerializer.Deserialize(masked, LoomcycleJsonContext.Default.RunEvent);
                }
                catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException)
                {
                    ev = null;
                }

                if (ev is null)
                {
                    // The secret sat inside an escape sequence, or a string does not decode: no safe reading is left.
                    LoomcycleDiagnostics.Warning($"Skipped a '{eventType}' event that carried a secret and cannot be read once it is masked.");
                    SkippedFrames++;
                    return null;
                }

                ev.Data = masked;
            }
            else
            {
                _frames.Keep(ev, data);
                if (deferral.Pending)
                {
                    ev.DeferText(deferral.TokenStart, deferral.TokenLength);
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

        /// <summary>
        /// Null when <paramref name="data"/> holds no form of a secret, written plainly or behind JSON escapes
        /// (<c>\u0041</c> for A); else the frame masked (empty when no masking leaves readable JSON). A plain secret is
        /// replaced in the frame's text, which keeps its layout; one behind escapes needs every string decoded and
        /// written again.
        /// </summary>
        private static string? MaskedFrame(ReadOnlySpan<byte> data, SecretSet secrets, TextDeferral deferral)
        {
            try
            {
                if (secrets.OccursIn(data))
                {
#if NET8_0_OR_GREATER
                    string masked = secrets.Redact(Encoding.UTF8.GetString(data))!;
#else
                    string masked = secrets.Redact(Encoding.UTF8.GetString(data.ToArray()))!;
#endif
                    byte[] maskedUtf8 = Encoding.UTF8.GetBytes(masked);
                    return secrets.MayHideBehindEscapes(maskedUtf8) && secrets.OccursBehindEscapes(maskedUtf8)
                        ? secrets.MaskJsonStrings(maskedUtf8)
                        : masked;
                }

                if (!deferral.Pending)
                {
                    return secrets.MayHideBehindEscapes(data) && secrets.OccursBehindEscapes(data) ? secrets.MaskJsonStrings(data) : null;
                }

                // The deferred text was searched, unescaped, when it was deferred: only escapes elsewhere need a look.
                int after = deferral.TokenStart + deferral.TokenLength;
                bool escapesElsewhere = secrets.MayHideBehindEscapes(data.Slice(0, deferral.TokenStart)) || secrets.MayHideBehindEscapes(data.Slice(after));
                return escapesElsewhere && secrets.OccursBehindEscapes(data, deferral.TokenStart) ? secrets.MaskJsonStrings(data) : null;
            }
            catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException)
            {
                return string.Empty;
            }
        }

        private string Excerpt(ReadOnlySpan<byte> data)
        {
            string text = Encoding.UTF8.GetString(data.Slice(0, Math.Min(data.Length, MalformedExcerptLength)).ToArray());
            return _connection.Redact(text, _secrets) + (data.Length > MalformedExcerptLength ? "…" : string.Empty);
        }

        private sealed class EventSource : IAsyncEnumerable<RunEvent>
        {
            private readonly RunStream _stream;
            private readonly CancellationToken _token;

            public EventSource(RunStream stream, CancellationToken token)
            {
                _stream = stream;
                _token = token;
            }

            public IAsyncEnumerator<RunEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
                new EventReader(_stream, _token, cancellationToken);
        }

        /// <summary>
        /// The events of one reading. Behaves as the async iterator it replaced: the first <see cref="MoveNextAsync"/>
        /// opens the body (and fails if the stream was read before), a broken connection becomes a
        /// <see cref="LoomcycleConnectionException"/>, and the end, a failure or an early dispose closes the parser and
        /// completes <see cref="Result"/> once.
        /// </summary>
        private sealed class EventReader : IAsyncEnumerator<RunEvent>
        {
            private readonly RunStream _stream;
            private readonly CancellationToken _token;
            private readonly CancellationTokenSource? _linked;
            private CancellationTokenRegistration _abort;
            private GuardedEventStream? _guarded;
            private IAsyncEnumerator<SseItem<RunEvent?>>? _items;
            private RunEvent? _current;
            private int _sequence;
            private bool _done;

            public EventReader(RunStream stream, CancellationToken token, CancellationToken enumeratorToken)
            {
                _stream = stream;
                // As [EnumeratorCancellation] combines the argument's token with GetAsyncEnumerator's.
                if (!token.CanBeCanceled || token == enumeratorToken)
                {
                    _token = enumeratorToken;
                }
                else if (!enumeratorToken.CanBeCanceled)
                {
                    _token = token;
                }
                else
                {
                    _linked = CancellationTokenSource.CreateLinkedTokenSource(token, enumeratorToken);
                    _token = _linked.Token;
                }
            }

            public RunEvent Current => _current!;

            public ValueTask<bool> MoveNextAsync()
            {
                if (_done)
                {
                    return new ValueTask<bool>(false);
                }

                IAsyncEnumerator<SseItem<RunEvent?>>? items = _items;
                if (items is null)
                {
                    return OpenAsync();
                }

                while (true)
                {
                    ValueTask<bool> next = items.MoveNextAsync();
                    if (!next.IsCompletedSuccessfully)
                    {
                        return WaitAsync(next);
                    }

                    if (!next.Result)
                    {
                        return EndAsync();
                    }

                    RunEvent? ev = items.Current.Data;
                    if (ev is not null)
                    {
                        Stamp(ev);
                        return new ValueTask<bool>(true);
                    }
                }
            }

            public async ValueTask DisposeAsync()
            {
                if (!_done)
                {
                    _done = true;
                    await CloseAsync().ConfigureAwait(false);
                }
            }

            private void Stamp(RunEvent ev)
            {
                ev.Sequence = ++_sequence;
                // When the read that completed the frame returned: one clock read per read, not per event (a 16 KiB read
                // holds ~300 text deltas), and a slow consumer no longer delays the stamp of events already received.
                ev.ReceivedAt = _guarded!.LastReadAt;
                _stream.Result.Observe(ev);
                _current = ev;
            }

            private async ValueTask<bool> OpenAsync()
            {
                RunStream stream = _stream;
                if (Interlocked.Exchange(ref stream._started, 1) != 0)
                {
                    _done = true;
                    _linked?.Dispose();
                    throw new InvalidOperationException("A run stream can be read only once.");
                }

                try
                {
                    // .NET Framework ignores the token on response-stream reads: closing the response is what unblocks them.
                    _abort = _token.Register(static state => ((HttpResponseMessage)state!).Dispose(), stream._response);
                    Stream body = await LoomcycleConnection.ReadStreamAsync(stream._response.Content, _token).ConfigureAwait(false);
                    _guarded = new GuardedEventStream(body, stream._connection.Options.MaximumEventBytes, stream._connection.Options.StreamIdleTimeout, stream._clock);
                    SseParser<RunEvent?> parser = SseParser.Create(_guarded, stream.Parse);
                    _items = parser.EnumerateAsync(_token).GetAsyncEnumerator(_token);
                }
                catch
                {
                    _done = true;
                    await CloseAsync().ConfigureAwait(false);
                    throw;
                }

                return await WaitAsync(_items.MoveNextAsync()).ConfigureAwait(false);
            }

            /// <summary>The slow path: the parser has to wait for the network (or failed); then reads on until an event.</summary>
            private async ValueTask<bool> WaitAsync(ValueTask<bool> next)
            {
                IAsyncEnumerator<SseItem<RunEvent?>> items = _items!;
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await next.ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        _done = true;
                        GuardedEventStream guarded = _guarded!;
                        await CloseAsync().ConfigureAwait(false);
                        if (!_token.IsCancellationRequested && (ex is IOException || ex is HttpRequestException || ex is ObjectDisposedException))
                        {
                            RunStream stream = _stream;
                            throw new LoomcycleConnectionException(
                                $"The run stream broke after {_sequence} events{(guarded.EndedMidFrame ? ", in the middle of an event" : string.Empty)}: {stream._connection.Redact(ex.Message, stream._secrets)}", 0, null, null, ex)
                            { Target = stream.Result.RunId ?? stream.Result.AgentId };
                        }

                        throw;
                    }

                    if (!more)
                    {
                        return await EndAsync().ConfigureAwait(false);
                    }

                    RunEvent? ev = items.Current.Data;
                    if (ev is not null)
                    {
                        Stamp(ev);
                        return true;
                    }

                    next = items.MoveNextAsync();
                }
            }

            private async ValueTask<bool> EndAsync()
            {
                _done = true;
                await CloseAsync().ConfigureAwait(false);
                return false;
            }

            /// <summary>Once, at the end, on a failure or on an early dispose (as the iterator's finally and usings did).</summary>
            private async ValueTask CloseAsync()
            {
                try
                {
                    if (_items is not null)
                    {
                        try
                        {
                            await _items.DisposeAsync().ConfigureAwait(false);
                        }
                        finally
                        {
                            _stream.Result.EndedMidFrame = _guarded!.EndedMidFrame;
                            _stream.Result.Finish();
                        }
                    }
                }
                finally
                {
                    _guarded?.Dispose();
                    _abort.Dispose();
                    _linked?.Dispose();
                }
            }
        }
    }
}
