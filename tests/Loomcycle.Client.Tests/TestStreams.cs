using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle.Client.Tests
{
    /// <summary>What every read-only, unseekable test stream has alike: a test stream only says how it reads.</summary>
    internal abstract class ReadOnlyTestStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A response body that reports the size of every read to <c>count</c> (the bytes the engine read, below the parser).</summary>
    internal sealed class CountingStream : ReadOnlyTestStream
    {
        private readonly Stream _inner;
        private readonly Action<int> _count;

        public CountingStream(Stream inner, Action<int> count)
        {
            _inner = inner;
            _count = count;
        }

        public override int Read(byte[] buffer, int offset, int count) => Counted(_inner.Read(buffer, offset, count));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Counted(await _inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await _inner.ReadAsync(buffer, cancellationToken));

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Counted(int read)
        {
            _count(read);
            return read;
        }
    }
}
