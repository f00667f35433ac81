using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    /// <summary>A download body with an idle timeout per read and a byte count; nothing is buffered.</summary>
    internal sealed class GuardedDownload : Stream
    {
        private readonly Stream _inner;
        private readonly TimeSpan _idleTimeout;

        public GuardedDownload(Stream inner, TimeSpan idleTimeout)
        {
            _inner = inner;
            _idleTimeout = idleTimeout;
        }

        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (_idleTimeout > TimeSpan.Zero)
            {
                idle.CancelAfter(_idleTimeout);
            }

            try
            {
                int read = await _inner.ReadAsync(buffer, offset, count, idle.Token).ConfigureAwait(false);
                BytesRead += read;
                return read;
            }
            catch (Exception ex) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested && (ex is OperationCanceledException || ex is IOException))
            {
                throw new LoomcycleTimeoutException($"The download stalled: no data for {_idleTimeout.TotalSeconds:0.#} s after {BytesRead} bytes.", 0, null, null, ex);
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

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
