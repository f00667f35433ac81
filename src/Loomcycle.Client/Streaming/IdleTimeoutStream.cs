using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    /// <summary>
    /// A read-only wrapper over a response body that ends any read during which no byte arrives for the
    /// idle timeout, with a <see cref="LoomcycleTimeoutException"/>. A slow but live body is never cut; a
    /// dead one never hangs. One watchdog timer per stream does the timing. Subclasses see every chunk
    /// read through <see cref="OnRead"/>.
    /// </summary>
    internal abstract class IdleTimeoutStream : Stream
    {
        private readonly Stream _inner;
        private readonly TimeSpan _idleTimeout;

        // Cancelled by the watchdog when a read has waited longer than the idle timeout.
        private readonly CancellationTokenSource _idle = new CancellationTokenSource();
        private CancellationTokenSource? _linked;
        private CancellationToken _linkedFor;
        private Timer? _watchdog;

        // Stopwatch timestamp of the read in progress, 0 when none: the only per-read cost of the idle timeout.
        // (A timer armed per read cost more than parsing the event it carried.)
        private long _readStartedAt;

#if NET8_0_OR_GREATER
        // Gives the thread back now and then when many streams are read at once (see ReadTurn).
        private ReadTurn _turn;
#endif

        protected IdleTimeoutStream(Stream inner, TimeSpan idleTimeout)
        {
            _inner = inner;
            _idleTimeout = idleTimeout;
        }

        public long BytesRead { get; private set; }

#if NET8_0_OR_GREATER
        /// <summary>Tests only: whether other work starves, in place of the thread pool's counts.</summary>
        internal Func<bool>? OthersStarve { get; set; }

        /// <summary>How many times a read gave its thread back for others (see <see cref="ReadTurn"/>).</summary>
        internal int Yields { get; private set; }
#endif

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
                CancellationToken token = BeginRead(cancellationToken);
                try
                {
                    read = await _inner.ReadAsync(buffer, offset, count, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsIdleTimeout(ex, cancellationToken))
                {
                    throw TimeoutError(ex);
                }
                finally
                {
                    Volatile.Write(ref _readStartedAt, 0);
                }
            }

            Observe(new ReadOnlySpan<byte>(buffer, offset, read));
            return read;
        }

#if NET8_0_OR_GREATER
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read;
            bool completedAtOnce;
            if (!HasIdleTimeout)
            {
                ValueTask<int> pending = _inner.ReadAsync(buffer, cancellationToken);
                completedAtOnce = pending.IsCompleted;
                read = await pending.ConfigureAwait(false);
            }
            else
            {
                CancellationToken token = BeginRead(cancellationToken);
                try
                {
                    ValueTask<int> pending = _inner.ReadAsync(buffer, token);
                    completedAtOnce = pending.IsCompleted;
                    read = await pending.ConfigureAwait(false);
                }
                catch (Exception ex) when (IsIdleTimeout(ex, cancellationToken))
                {
                    throw TimeoutError(ex);
                }
                finally
                {
                    Volatile.Write(ref _readStartedAt, 0);
                }
            }

            Observe(buffer.Span.Slice(0, read));
            if (!completedAtOnce)
            {
                _turn.Restart();
            }
            else if (_turn.ShouldYield(OthersStarve))
            {
                Yields++;
                await Task.Yield();
                _turn.Restart();
            }

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
                _watchdog?.Dispose();
                _linked?.Dispose();
                _idle.Dispose();
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        /// <summary>Marks a read as started and returns the token it must honour: the caller's and the watchdog's.</summary>
        private CancellationToken BeginRead(CancellationToken cancellationToken)
        {
            if (_watchdog is null)
            {
                // Checks four times per timeout period, so a silent read ends within 1.25 x the idle timeout.
                TimeSpan period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(50).Ticks, _idleTimeout.Ticks / 4));
                _watchdog = new Timer(static s => ((IdleTimeoutStream)s!).CheckIdle(), this, period, period);
            }

            CancellationToken token = _idle.Token;
            if (cancellationToken.CanBeCanceled)
            {
                // The parser passes the same token to every read: link it once, not per read.
                if (_linked is null || !_linkedFor.Equals(cancellationToken))
                {
                    _linked?.Dispose();
                    _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _idle.Token);
                    _linkedFor = cancellationToken;
                }

                token = _linked.Token;
            }

            Volatile.Write(ref _readStartedAt, Stopwatch.GetTimestamp());
            return token;
        }

        private void CheckIdle()
        {
            long started = Volatile.Read(ref _readStartedAt);
            if (started == 0 || _idle.IsCancellationRequested)
            {
                return;
            }

            double waitedSeconds = (Stopwatch.GetTimestamp() - started) / (double)Stopwatch.Frequency;
            if (waitedSeconds >= _idleTimeout.TotalSeconds)
            {
                TimedOut = true;
                try
                {
                    _idle.Cancel();
#if !NET8_0_OR_GREATER
                    // .NET Framework's response stream ignores the token (corefx#34325): closing it is what ends the read.
                    _inner.Dispose();
#endif
                }
                catch (ObjectDisposedException)
                {
                    // The stream was closed meanwhile; nothing is waiting any more.
                }
            }
        }

        private bool IsIdleTimeout(Exception ex, CancellationToken caller) =>
            _idle.IsCancellationRequested && !caller.IsCancellationRequested &&
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
