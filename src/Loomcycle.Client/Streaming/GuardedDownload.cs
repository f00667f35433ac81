using System;
using System.IO;

namespace Loomcycle
{
    /// <summary>A download body with an idle timeout per read and a byte count; nothing is buffered.</summary>
    internal sealed class GuardedDownload : IdleTimeoutStream
    {
        public GuardedDownload(Stream inner, TimeSpan idleTimeout)
            : base(inner, idleTimeout)
        {
        }

        protected override void OnRead(ReadOnlySpan<byte> bytes)
        {
        }

        protected override string DescribeTimeout() =>
            $"The download stalled: no data for {IdleTimeout.TotalSeconds:0.#} s after {BytesRead} bytes.";
    }
}
