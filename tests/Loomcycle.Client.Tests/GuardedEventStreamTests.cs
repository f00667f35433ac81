using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>
    /// The guard's frame accounting (bytes since the last blank line, the per-event cap, whether the stream ended mid-frame)
    /// is searched per read, not per line. It must agree with the byte-by-byte reading of the SSE line rules (CR, LF and
    /// CRLF line ends; a blank line ends a frame) wherever reads split the stream: between a CR and its LF, inside a blank
    /// line, in a frame at the cap.
    /// </summary>
    public sealed class GuardedEventStreamTests
    {
        /// <summary>The same rules, one byte at a time: what the guard did per line before, the reference here.</summary>
        private sealed class ByteByByte
        {
            private readonly int _cap;
            private long _eventBytes;
            private byte _previous = (byte)'\n';
            private bool _blankLineCrPending;

            public ByteByByte(int cap)
            {
                _cap = cap;
            }

            public bool EndedMidFrame => _eventBytes > 0;

            /// <summary>False when a frame reached the cap within <paramref name="chunk"/>.</summary>
            public bool Read(byte[] chunk)
            {
                foreach (byte b in chunk)
                {
                    if (_blankLineCrPending && b == (byte)'\n')
                    {
                        _blankLineCrPending = false;
                        _previous = b; // the LF of a CRLF blank line
                        continue;
                    }

                    _blankLineCrPending = false;
                    bool lineEnd = b == (byte)'\r' || b == (byte)'\n';
                    if (lineEnd && (_previous == (byte)'\n' || (_previous == (byte)'\r' && b == (byte)'\r')))
                    {
                        _eventBytes = 0;
                        _blankLineCrPending = b == (byte)'\r';
                    }
                    else if (++_eventBytes >= _cap)
                    {
                        return false;
                    }

                    _previous = b;
                }

                return true;
            }
        }

        /// <summary>Hands out the given chunks, one per read.</summary>
        private sealed class ChunkStream : ReadOnlyTestStream
        {
            private readonly Queue<byte[]> _chunks;

            public ChunkStream(IEnumerable<byte[]> chunks)
            {
                _chunks = new Queue<byte[]>(chunks);
            }

            public override int Read(byte[] buffer, int offset, int count)
            {
                if (_chunks.Count == 0)
                {
                    return 0;
                }

                byte[] chunk = _chunks.Dequeue();
                Assert.True(chunk.Length <= count);
                chunk.CopyTo(buffer, offset);
                return chunk.Length;
            }
        }

        /// <summary>Reads every chunk through the guard: per chunk, whether it was read (false: the cap ended the stream) and EndedMidFrame after it.</summary>
        private static List<(bool Read, bool EndedMidFrame)> ThroughGuard(List<byte[]> chunks, int cap)
        {
            var seen = new List<(bool, bool)>();
            using var guard = new GuardedEventStream(new ChunkStream(chunks), cap, Timeout.InfiniteTimeSpan);
            var buffer = new byte[1 << 16];
            for (int i = 0; i < chunks.Count; i++)
            {
                try
                {
                    guard.ReadAsync(buffer, 0, buffer.Length, CancellationToken.None).GetAwaiter().GetResult();
                }
                catch (LoomcycleProtocolException ex)
                {
                    Assert.Contains("exceeded", ex.Message);
                    seen.Add((false, guard.EndedMidFrame));
                    break;
                }

                seen.Add((true, guard.EndedMidFrame));
            }

            return seen;
        }

        private static List<(bool Read, bool EndedMidFrame)> ByTheRules(List<byte[]> chunks, int cap)
        {
            var seen = new List<(bool, bool)>();
            var reference = new ByteByByte(cap);
            foreach (byte[] chunk in chunks)
            {
                bool read = reference.Read(chunk);
                seen.Add((read, reference.EndedMidFrame));
                if (!read)
                {
                    break;
                }
            }

            return seen;
        }

        private static List<byte[]> Split(byte[] bytes, params int[] at)
        {
            var chunks = new List<byte[]>();
            int start = 0;
            foreach (int end in at)
            {
                chunks.Add(bytes.AsSpan(start, end - start).ToArray());
                start = end;
            }

            chunks.Add(bytes.AsSpan(start).ToArray());
            return chunks;
        }

        [Theory]
        [InlineData("event: text\ndata: {}\n\n", false)]
        [InlineData("event: text\r\ndata: {}\r\n\r\n", false)]
        [InlineData("event: text\rdata: {}\r\r", false)]
        [InlineData("data: a\n\ndata: b\n", true)]
        [InlineData("data: a\r\n\r\ndata: b", true)]
        [InlineData("\n\n\r\n\r", false)]
        [InlineData(": keepalive\n\n: keepalive\n\n", false)]
        public void EveryWayOfSplittingAFrame_AgreesWithTheLineRules(string text, bool endsMidFrame)
        {
            byte[] bytes = Encoding.ASCII.GetBytes(text);
            for (int first = 0; first <= bytes.Length; first++)
            {
                for (int second = first; second <= bytes.Length; second++)
                {
                    List<byte[]> chunks = Split(bytes, first, second);
                    List<(bool Read, bool EndedMidFrame)> guard = ThroughGuard(chunks, 1 << 20);

                    Assert.Equal(ByTheRules(chunks, 1 << 20), guard);
                    Assert.Equal(endsMidFrame, guard[guard.Count - 1].EndedMidFrame);
                }
            }
        }

        [Fact]
        public void RandomStreamsOfLineEnds_AnySplit_AnyCap_AgreeWithTheLineRules()
        {
            var random = new Random(15);
            byte[] alphabet = { (byte)'a', (byte)'a', (byte)'a', (byte)'\n', (byte)'\n', (byte)'\r' };
            for (int trial = 0; trial < 4000; trial++)
            {
                var bytes = new byte[random.Next(1, 120)];
                for (int i = 0; i < bytes.Length; i++)
                {
                    bytes[i] = alphabet[random.Next(alphabet.Length)];
                }

                var cuts = new SortedSet<int>();
                int cutCount = random.Next(0, 8);
                for (int i = 0; i < cutCount; i++)
                {
                    cuts.Add(random.Next(1, bytes.Length + 1));
                }

                List<byte[]> chunks = Split(bytes, new List<int>(cuts).ToArray());
                // Caps below, around and above the chunks' sizes: a frame wholly inside a chunk at least the cap is caught too.
                int cap = trial % 3 == 0 ? 1 << 20 : random.Next(1, 40);

                Assert.True(ByTheRules(chunks, cap).SequenceEqual(ThroughGuard(chunks, cap)), $"trial {trial}, cap {cap}, chunks [{string.Join("|", chunks.ConvertAll(c => Encoding.ASCII.GetString(c).Replace("\r", "\\r").Replace("\n", "\\n")))}]");
            }
        }

        [Fact]
        public void AFrameAtTheCapEndingInTheSameRead_Refused()
        {
            // A frame of 11 bytes (its line end included), its blank line and the next frame, in one read: the first frame is
            // held to the cap whole although it ends in the read.
            List<byte[]> chunks = Split(Encoding.ASCII.GetBytes("data: 1234\n\ndata: x\n\n"));

            Assert.Equal((false, true), Assert.Single(ThroughGuard(chunks, 11)));
            Assert.Equal((true, false), Assert.Single(ThroughGuard(chunks, 12)));
        }
    }
}
