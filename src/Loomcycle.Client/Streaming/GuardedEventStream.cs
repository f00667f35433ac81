using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    /// <summary>
    /// Wraps an SSE response body for the parser and guards what the parser does not:
    /// <list type="bullet">
    /// <item>a size limit on any one event (the parser's buffer grows to 1 GiB before it fails);</item>
    /// <item>an idle timeout per read, so a dead stream ends while a slow, healthy one (keepalives count) never does;</item>
    /// <item>whether the stream ended in the middle of a frame.</item>
    /// </list>
    /// </summary>
    internal sealed class GuardedEventStream : IdleTimeoutStream
    {
        private readonly int _maxEventBytes;
        private readonly LocalClock? _clock;
        private long _eventBytes;
        private bool _lineHasBytes;
        private bool _lastWasCarriageReturn;

        /// <summary>With a <paramref name="clock"/>, each read is stamped (<see cref="LastReadAt"/>).</summary>
        public GuardedEventStream(Stream inner, int maxEventBytes, TimeSpan idleTimeout, LocalClock? clock = null)
            : base(inner, idleTimeout)
        {
            _maxEventBytes = maxEventBytes;
            _clock = clock;
        }

        /// <summary>
        /// When the last read returned (with a clock). The SSE parser dispatches an event as soon as its blank line is in
        /// its buffer, before it reads again, so for the event being dispatched this is when its last bytes arrived.
        /// </summary>
        public DateTimeOffset LastReadAt { get; private set; }

        /// <summary>True when the last bytes read did not finish a frame (no blank line after them).</summary>
        public bool EndedMidFrame => _eventBytes > 0;

        protected override string DescribeTimeout() =>
            $"The stream went silent: no data and no keepalive for {IdleTimeout.TotalSeconds:0.#} s.";

        /// <summary>Counts bytes since the last blank line (the end of a frame) across CR, LF and CRLF.</summary>
        protected override void OnRead(ReadOnlySpan<byte> bytes)
        {
            if (_clock is not null)
            {
                LastReadAt = _clock.Now();
            }

            while (!bytes.IsEmpty)
            {
                int newline = bytes.IndexOfAny((byte)'\r', (byte)'\n');
                if (newline < 0)
                {
                    AddContent(bytes.Length);
                    return;
                }

                if (newline > 0)
                {
                    AddContent(newline);
                }

                byte terminator = bytes[newline];
                if (terminator == (byte)'\n' && _lastWasCarriageReturn && newline == 0)
                {
                    // The LF of a CRLF: the line already ended at the CR.
                    _lastWasCarriageReturn = false;
                }
                else
                {
                    if (!_lineHasBytes)
                    {
                        _eventBytes = 0; // a blank line ends the frame
                    }

                    _lineHasBytes = false;
                    _lastWasCarriageReturn = terminator == (byte)'\r';
                }

                bytes = bytes.Slice(newline + 1);
            }
        }

        private void AddContent(int count)
        {
            _lastWasCarriageReturn = false;
            _lineHasBytes = true;
            _eventBytes += count;
            // At the cap, not past it: the parser doubles its buffer only once a full buffer holds no line end,
            // so with a power-of-two cap it never allocates the next size up (2 x the cap) for a hostile line.
            if (_eventBytes >= _maxEventBytes)
            {
                throw new LoomcycleProtocolException(
                    $"A server-sent event exceeded {_maxEventBytes / (1024 * 1024)} MiB without ending; the stream was closed to bound memory.");
            }
        }
    }
}
