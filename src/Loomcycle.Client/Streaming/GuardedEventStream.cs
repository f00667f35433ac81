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

        // Bytes of the frame being read: since the last blank line (the end of a frame), line ends included.
        private long _eventBytes;

        // The last byte read: the stream starts as if after a line end (a line end first in it is a blank line).
        private byte _lastByte = (byte)'\n';

        // The last byte read was the CR of a blank line: an LF first in the next read belongs to that blank line.
        private bool _blankLineCrPending;

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

        /// <summary>
        /// Counts the bytes since the last blank line (CR, LF and CRLF line ends) and holds any one frame to the cap. Per
        /// chunk, not per line: vectorized searches find the last blank line from the end of the chunk and the first from
        /// its start; a chunk of text deltas holds hundreds of lines, and a search per line cost ~50 ns per event, a tenth
        /// of the engine's time per event (issue 15, goal 1).
        /// </summary>
        protected override void OnRead(ReadOnlySpan<byte> bytes)
        {
            if (_clock is not null)
            {
                LastReadAt = _clock.Now();
            }

            if (bytes.IsEmpty)
            {
                return;
            }

            byte previous = _lastByte;
            _lastByte = bytes[bytes.Length - 1];
            if (_blankLineCrPending)
            {
                _blankLineCrPending = false;
                if (bytes[0] == (byte)'\n')
                {
                    previous = (byte)'\n';
                    bytes = bytes.Slice(1);
                    if (bytes.IsEmpty)
                    {
                        return;
                    }
                }
            }

            bool hasCarriageReturn = bytes.IndexOf((byte)'\r') >= 0;
            int last = LastBlankLine(bytes, previous, hasCarriageReturn);
            if (last < 0)
            {
                Count(bytes.Length);
                return;
            }

            // The frame that ends in this chunk is held to the cap whole; the frames wholly inside it are shorter than the
            // chunk, so they need a look only when the chunk itself reaches the cap.
            bool eachFrame = bytes.Length >= _maxEventBytes;
            int blankLine = _eventBytes > 0 || eachFrame ? FirstBlankLine(bytes, previous, hasCarriageReturn) : last;
            int position = 0;
            while (true)
            {
                Count(blankLine - position);
                _eventBytes = 0;
                position = EndOfBlankLine(bytes, blankLine);
                if (blankLine == last)
                {
                    break;
                }

                blankLine = eachFrame ? position + FirstBlankLine(bytes.Slice(position), bytes[position - 1], hasCarriageReturn) : last;
            }

            _blankLineCrPending = bytes[last] == (byte)'\r' && position == bytes.Length;
            Count(bytes.Length - position);
        }

        /// <summary>
        /// The index of the line end that makes the last blank line in <paramref name="bytes"/>, or -1. A blank line is a
        /// line end right after a line end: LF then CR or LF, or CR then CR (CR then LF is one line end).
        /// </summary>
        private static int LastBlankLine(ReadOnlySpan<byte> bytes, byte previous, bool hasCarriageReturn)
        {
            int last = After(bytes.LastIndexOf(LineFeedPair));
            if (hasCarriageReturn)
            {
                last = Math.Max(last, Math.Max(After(bytes.LastIndexOf(LineFeedCarriageReturn)), After(bytes.LastIndexOf(CarriageReturnPair))));
            }

            return last < 0 && StartsBlankLine(previous, bytes[0]) ? 0 : last;
        }

        /// <summary>The index of the line end that makes the first blank line in <paramref name="bytes"/> (there is one).</summary>
        private static int FirstBlankLine(ReadOnlySpan<byte> bytes, byte previous, bool hasCarriageReturn)
        {
            if (StartsBlankLine(previous, bytes[0]))
            {
                return 0;
            }

            int first = Found(bytes.IndexOf(LineFeedPair));
            if (hasCarriageReturn)
            {
                first = Math.Min(first, Math.Min(Found(bytes.IndexOf(LineFeedCarriageReturn)), Found(bytes.IndexOf(CarriageReturnPair))));
            }

            return first;
        }

        // A line end first in a chunk is a blank line after an LF, or a CR after a CR (a CR then an LF is one CRLF).
        private static bool StartsBlankLine(byte previous, byte first) =>
            (first == (byte)'\n' || first == (byte)'\r') && (previous == (byte)'\n' || (previous == (byte)'\r' && first == (byte)'\r'));

        // Past the blank line whose line end is at index: its CR and LF when it ends with CRLF.
        private static int EndOfBlankLine(ReadOnlySpan<byte> bytes, int index) =>
            bytes[index] == (byte)'\r' && index + 1 < bytes.Length && bytes[index + 1] == (byte)'\n' ? index + 2 : index + 1;

        // The second byte of a pair found at index, or -1.
        private static int After(int index) => index < 0 ? -1 : index + 1;

        // The second byte of a pair found at index, or past any index.
        private static int Found(int index) => index < 0 ? int.MaxValue : index + 1;

        private void Count(int bytes)
        {
            _eventBytes += bytes;
            // At the cap, not past it: the parser doubles its buffer only once a full buffer holds no line end,
            // so with a power-of-two cap it never allocates the next size up (2 x the cap) for a hostile line.
            if (bytes > 0 && _eventBytes >= _maxEventBytes)
            {
                throw new LoomcycleProtocolException(
                    $"A server-sent event exceeded {_maxEventBytes / (1024 * 1024)} MiB without ending; the stream was closed to bound memory.");
            }
        }

        private static ReadOnlySpan<byte> LineFeedPair => "\n\n"u8;

        private static ReadOnlySpan<byte> LineFeedCarriageReturn => "\n\r"u8;

        private static ReadOnlySpan<byte> CarriageReturnPair => "\r\r"u8;
    }
}
