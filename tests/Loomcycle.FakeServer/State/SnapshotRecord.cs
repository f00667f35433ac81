using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle.FakeServer;

/// <summary>A stored snapshot: either envelope bytes, or a generated envelope streamed on demand.</summary>
public sealed class SnapshotRecord
{
    public string Id { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public string? Label { get; set; }
    public int SchemaVersion { get; set; } = 1;
    /// <summary>Envelope bytes; null for a generated snapshot.</summary>
    public byte[]? Envelope { get; set; }
    /// <summary>Non-null for snapshots added with <see cref="FakeState.AddGeneratedSnapshot"/>.</summary>
    public GeneratedEnvelope? Generated { get; set; }

    public long ByteSize => Envelope?.LongLength ?? Generated?.SizeBytes ?? 0;

    /// <summary>Writes the raw envelope bytes.</summary>
    public Task WriteEnvelopeAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        if (Envelope is not null) return destination.WriteAsync(Envelope, 0, Envelope.Length, cancellationToken);
        if (Generated is not null) return Generated.WriteToAsync(destination, cancellationToken);
        return Task.CompletedTask;
    }

    public override string ToString() => $"{Id} ({ByteSize} bytes)";
}
