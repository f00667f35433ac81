using System;

namespace Loomcycle
{
    /// <summary>
    /// Keeps the raw bytes of a stream's frames for <see cref="RunEvent.Data"/>: small frames are copied side by side
    /// into shared 8 KiB blocks (one array per ~100 text deltas instead of one per event), large ones get their own
    /// array. A block lives as long as any event that points into it.
    /// </summary>
    internal sealed class FrameBytes
    {
        private const int BlockSize = 8 * 1024;
        private const int OwnArrayAbove = 1024;

        private byte[]? _block;
        private int _used;

        public void Keep(RunEvent ev, ReadOnlySpan<byte> frame)
        {
            if (frame.Length > OwnArrayAbove)
            {
                ev.SetUtf8Data(frame.ToArray(), 0, frame.Length);
                return;
            }

            if (_block is null || BlockSize - _used < frame.Length)
            {
                _block = new byte[BlockSize];
                _used = 0;
            }

            frame.CopyTo(new Span<byte>(_block, _used, frame.Length));
            ev.SetUtf8Data(_block, _used, frame.Length);
            _used += frame.Length;
        }
    }
}
