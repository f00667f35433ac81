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
    internal sealed class GuardedEventStream : Stream
    {
        private readonly Stream _inner;
        private readonly int _maxEventBytes;
        private readonly TimeSpan _idleTimeout;
        private long _eventBytes;
        private bool _lineHasBytes;
        private bool _lastWasCarriageReturn;

        public GuardedEventStream(Stream inner, int maxEventBytes, TimeSpan idleTimeout)
        {
            _inner = inner;
            _maxEventBytes = maxEventBytes;
            _idleTimeout = idleTimeout;
        }

        /// <summary>True when the last bytes read did not finish a frame (no blank line after them).</summary>
        public bool EndedMidFrame => _eventBytes > 0;

        /// <summary>Set when a read gave up because of <see cref="_idleTimeout"/>.</summary>
        public bool TimedOut { get; private set; }

        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) =>
            ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            int read;
            if (_idleTimeout <= TimeSpan.Zero || _idleTimeout == Timeout.InfiniteTimeSpan)
            {
                read = await _inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                idle.CancelAfter(_idleTimeout);
#if !NET8_0_OR_GREATER
                // .NET Framework's response stream ignores the token (corefx#34325): closing it is what ends the read.
                using CancellationTokenRegistration closeOnIdle = idle.Token.Register(static s => ((Stream)s!).Dispose(), _inner);
#endif
                try
                {
                    read = await _inner.ReadAsync(buffer, offset, count, idle.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested && (ex is OperationCanceledException || ex is IOException || ex is ObjectDisposedException))
                {
                    TimedOut = true;
                    throw new LoomcycleTimeoutException(
                        $"The stream went silent: no data and no keepalive for {_idleTimeout.TotalSeconds:0.#} s.", 0, null, null, ex);
                }
            }

            Scan(buffer, offset, read);
            return read;
        }

#if NET8_0_OR_GREATER
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read;
            if (_idleTimeout <= TimeSpan.Zero || _idleTimeout == Timeout.InfiniteTimeSpan)
            {
                read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                idle.CancelAfter(_idleTimeout);
                try
                {
                    read = await _inner.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested && (ex is OperationCanceledException || ex is IOException || ex is ObjectDisposedException))
                {
                    TimedOut = true;
                    throw new LoomcycleTimeoutException(
                        $"The stream went silent: no data and no keepalive for {_idleTimeout.TotalSeconds:0.#} s.", 0, null, null, ex);
                }
            }

            Scan(buffer.Span.Slice(0, read));
            return read;
        }
#endif

        private void Scan(byte[] buffer, int offset, int count) => Scan(new ReadOnlySpan<byte>(buffer, offset, count));

        /// <summary>Counts bytes since the last blank line (the end of a frame) across CR, LF and CRLF.</summary>
        private void Scan(ReadOnlySpan<byte> bytes)
        {
            BytesRead += bytes.Length;
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

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
