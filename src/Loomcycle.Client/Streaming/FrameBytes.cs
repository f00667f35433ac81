using System;

namespace Loomcycle
{
    /// <summary>
    /// Keeps the raw bytes of a stream's frames for <see cref="RunEvent.Data"/>: small frames are copied side by side
    /// into shared blocks (one array per ~100 text deltas instead of one per event), large ones get their own array.
    /// The first block is small and each next one twice the size, up to 8 KiB: most runs carry a handful of frames
    /// that are not plain text deltas, and 100 short runs at once each paid a whole 8 KiB block. A block lives as long as any event that points into it. A text delta written the way loomcycle writes it,
    /// <c>{"type":"text","text":"…"}</c> with no escape in the text, is not copied at all: its frame is exactly the
    /// prefix, the decoded <see cref="RunEvent.Text"/> and the suffix, so the event keeps the text it already holds.
    /// </summary>
    internal sealed class FrameBytes
    {
        private const int FirstBlockSize = 512;
        private const int BlockSize = 8 * 1024;
        private const int OwnArrayAbove = 1024;

        private byte[]? _block;
        private int _used;

        private static ReadOnlySpan<byte> TextPrefix => "{\"type\":\"text\",\"text\":\""u8;

        private static ReadOnlySpan<byte> TextSuffix => "\"}"u8;

        public void Keep(RunEvent ev, ReadOnlySpan<byte> frame)
        {
            if (ev.Text is string text && IsPlainTextFrame(frame))
            {
                ev.SetTextFrameData(text);
                return;
            }

            if (frame.Length > OwnArrayAbove)
            {
                ev.SetUtf8Data(frame.ToArray(), 0, frame.Length);
                return;
            }

            if (_block is null || _block.Length - _used < frame.Length)
            {
                int size = _block is null ? FirstBlockSize : Math.Min(BlockSize, _block.Length * 2);
                _block = new byte[Math.Max(size, frame.Length)];
                _used = 0;
            }

            frame.CopyTo(new Span<byte>(_block, _used, frame.Length));
            ev.SetUtf8Data(_block, _used, frame.Length);
            _used += frame.Length;
        }

        /// <summary>
        /// True when <paramref name="frame"/> is <c>{"type":"text","text":"…"}</c> and the text has no quote or backslash:
        /// then the parsed text is the frame's middle bytes decoded (the parser rejects invalid UTF-8 and raw control
        /// characters), and the frame is <see cref="RunEvent.TextFramePrefix"/> + text + <see cref="RunEvent.TextFrameSuffix"/>.
        /// </summary>
        internal static bool IsPlainTextFrame(ReadOnlySpan<byte> frame) =>
            frame.Length >= TextPrefix.Length + TextSuffix.Length
            && frame.StartsWith(TextPrefix)
            && frame.EndsWith(TextSuffix)
            && frame.Slice(TextPrefix.Length, frame.Length - TextPrefix.Length - TextSuffix.Length).IndexOfAny((byte)'"', (byte)'\\') < 0;
    }
}
