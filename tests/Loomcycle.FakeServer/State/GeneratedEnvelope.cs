using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;

namespace Loomcycle.FakeServer;

/// <summary>
/// A valid snapshot envelope of an exact byte size, produced on the fly in 64 KiB chunks so a multi-GiB
/// export never sits in memory. The content is deterministic: one memory row whose string value is a
/// repeating <c>a..z0..9</c> filler sized to make the whole envelope exactly <see cref="SizeBytes"/> long.
/// </summary>
public sealed class GeneratedEnvelope
{
    private const int ChunkSize = 64 * 1024;
    private static readonly byte[] Alphabet = Encoding.ASCII.GetBytes("abcdefghijklmnopqrstuvwxyz0123456789");

    private readonly byte[] _prefix;
    private readonly byte[] _suffix;

    public GeneratedEnvelope(long sizeBytes, DateTimeOffset createdAt)
    {
        CreatedAt = createdAt;
        string ts = GoJson.SnapshotTime(createdAt);
        string rowTime = GoJson.Time(createdAt);
        _prefix = Encoding.ASCII.GetBytes(
            "{\"schema_version\":1,\"created_at\":\"" + ts + "\",\"sections\":{" +
            "\"agent_defs\":{\"version\":\"1.0\",\"rows\":[]}," +
            "\"agent_def_active\":{\"version\":\"1.0\",\"rows\":[]}," +
            "\"memory\":{\"version\":\"1.0\",\"rows\":[{\"scope\":\"agent\",\"scope_id\":\"generated\",\"key\":\"blob\",\"value\":\"");
        _suffix = Encoding.ASCII.GetBytes(
            "\",\"expires_at\":\"" + GoJson.ZeroTime + "\",\"created_at\":\"" + rowTime + "\",\"updated_at\":\"" + rowTime + "\"}]}," +
            "\"channels\":{\"version\":\"1.0\",\"rows\":[]}," +
            "\"evaluations\":{\"version\":\"1.0\",\"rows\":[]}," +
            "\"paused_runs\":{\"version\":\"1.0\",\"rows\":[]}}}");
        if (sizeBytes < MinimumSize)
            throw new ArgumentOutOfRangeException(nameof(sizeBytes), $"a generated envelope needs at least {MinimumSize} bytes");
        SizeBytes = sizeBytes;
    }

    /// <summary>The smallest envelope this generator can produce.</summary>
    public long MinimumSize => _prefix.Length + _suffix.Length;

    public long SizeBytes { get; }

    public DateTimeOffset CreatedAt { get; }

    public async Task WriteToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        await destination.WriteAsync(_prefix, cancellationToken).ConfigureAwait(false);
        long filler = SizeBytes - _prefix.Length - _suffix.Length;
        byte[] chunk = new byte[(int)Math.Min(ChunkSize, Math.Max(filler, 1))];
        long written = 0;
        while (written < filler)
        {
            int n = (int)Math.Min(chunk.Length, filler - written);
            for (int i = 0; i < n; i++) chunk[i] = Alphabet[(int)((written + i) % Alphabet.Length)];
            await destination.WriteAsync(chunk.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            written += n;
        }
        await destination.WriteAsync(_suffix, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>SHA-256 of the full envelope (computed by streaming it), for comparing with an export.</summary>
    public byte[] ComputeSha256()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var sink = new HashStream(hash);
        WriteToAsync(sink).GetAwaiter().GetResult();
        return hash.GetHashAndReset();
    }

    private sealed class HashStream : Stream
    {
        private readonly IncrementalHash _hash;
        public HashStream(IncrementalHash hash) => _hash = hash;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _hash.AppendData(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => _hash.AppendData(buffer);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _hash.AppendData(buffer.Span);
            return ValueTask.CompletedTask;
        }
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            _hash.AppendData(buffer, offset, count);
            return Task.CompletedTask;
        }
    }
}
