using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    /// <summary>
    /// A read-only wrapper over a response body that ends any read during which no byte arrives for the
    /// idle timeout, with a <see cref="LoomcycleTimeoutException"/>. A slow but live body is never cut; a
    /// dead one never hangs. Subclasses see every chunk read through <see cref="OnRead"/>.
    /// </summary>
    internal abstract class IdleTimeoutStream : Stream
    {
        private readonly Stream _inner;
        private readonly TimeSpan _idleTimeout;

        protected IdleTimeoutStream(Stream inner, TimeSpan idleTimeout)
        {
            _inner = inner;
            _idleTimeout = idleTimeout;
        }

        public long BytesRead { get; private set; }

        /// <summary>Set when a read gave up because nothing arrived in time.</summary>
        public bool TimedOut { get; private set; }

        protected TimeSpan IdleTimeout => _idleTimeout;

        private bool HasIdleTimeout => _idleTimeout > TimeSpan.Zero && _idleTimeout != Timeout.InfiniteTimeSpan;

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
            if (!HasIdleTimeout)
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
                catch (Exception ex) when (IsIdleTimeout(ex, idle, cancellationToken))
                {
                    throw TimeoutError(ex);
                }
            }

            Observe(new ReadOnlySpan<byte>(buffer, offset, read));
            return read;
        }

#if NET8_0_OR_GREATER
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read;
            if (!HasIdleTimeout)
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
                catch (Exception ex) when (IsIdleTimeout(ex, idle, cancellationToken))
                {
                    throw TimeoutError(ex);
                }
            }

            Observe(buffer.Span.Slice(0, read));
            return read;
        }
#endif

        /// <summary>Called with every chunk read, in order; may throw to end the stream.</summary>
        protected abstract void OnRead(ReadOnlySpan<byte> bytes);

        /// <summary>The sentence the timeout error starts with.</summary>
        protected abstract string DescribeTimeout();

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

        private static bool IsIdleTimeout(Exception ex, CancellationTokenSource idle, CancellationToken caller) =>
            idle.IsCancellationRequested && !caller.IsCancellationRequested &&
            (ex is OperationCanceledException || ex is IOException || ex is ObjectDisposedException);

        private LoomcycleTimeoutException TimeoutError(Exception inner)
        {
            TimedOut = true;
            return new LoomcycleTimeoutException(DescribeTimeout(), 0, null, null, inner);
        }

        private void Observe(ReadOnlySpan<byte> bytes)
        {
            BytesRead += bytes.Length;
            OnRead(bytes);
        }
    }
}
