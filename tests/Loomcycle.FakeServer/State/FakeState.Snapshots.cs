using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Loomcycle.FakeServer;

public sealed partial class FakeState
{
    private readonly Dictionary<string, SnapshotRecord> _snapshots = new(StringComparer.Ordinal);

    /// <summary>Stored snapshots, newest first.</summary>
    public IReadOnlyList<SnapshotRecord> Snapshots
    {
        get { lock (SyncRoot) return _snapshots.Values.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id, StringComparer.Ordinal).ToArray(); }
    }

    /// <summary>Seeds a snapshot with arbitrary envelope bytes (stored and exported verbatim).</summary>
    public SnapshotRecord AddSnapshot(string id, byte[] envelope, string? label = null, DateTimeOffset? createdAt = null)
    {
        var s = new SnapshotRecord { Id = id, Envelope = envelope, Label = label, CreatedAt = createdAt ?? DateTimeOffset.UtcNow };
        lock (SyncRoot) _snapshots[id] = s;
        return s;
    }

    public SnapshotRecord AddSnapshot(string id, string envelopeJson, string? label = null, DateTimeOffset? createdAt = null) =>
        AddSnapshot(id, Encoding.UTF8.GetBytes(envelopeJson), label, createdAt);

    /// <summary>Seeds a snapshot whose envelope is a valid JSON document of exactly <paramref name="sizeBytes"/> bytes,
    /// generated while it is exported (never held in memory). Export sends no Content-Length for it.</summary>
    public SnapshotRecord AddGeneratedSnapshot(string id, long sizeBytes, string? label = null, DateTimeOffset? createdAt = null)
    {
        DateTimeOffset at = createdAt ?? DateTimeOffset.UtcNow;
        var s = new SnapshotRecord { Id = id, Generated = new GeneratedEnvelope(sizeBytes, at), Label = label, CreatedAt = at };
        lock (SyncRoot) _snapshots[id] = s;
        return s;
    }

    public SnapshotRecord? FindSnapshot(string id)
    {
        lock (SyncRoot) return _snapshots.GetValueOrDefault(id);
    }

    public bool RemoveSnapshot(string id)
    {
        lock (SyncRoot) return _snapshots.Remove(id);
    }

    /// <summary>The envelope bytes of the latest restore: the exact bytes of the request's <c>json</c> value, or the
    /// stored envelope for a restore by id (null for a generated snapshot).</summary>
    public byte[]? LastRestoredEnvelope { get; internal set; }

    /// <summary>The path id of the latest restore (e.g. <c>inline</c>).</summary>
    public string? LastRestoredSnapshotId { get; internal set; }

    public bool LastRestoreIncludeHistory { get; internal set; }

    /// <summary>How many restores succeeded.</summary>
    public int RestoreCount { get; internal set; }

    private readonly HashSet<string> _restoredRows = new(StringComparer.Ordinal);

    /// <summary>Restore idempotency (ON CONFLICT DO NOTHING) for sections the fake does not model: true the first time.</summary>
    internal bool MarkRestored(string section, string rowJson)
    {
        lock (SyncRoot) return _restoredRows.Add(section + "\u0000" + rowJson);
    }

    internal void RecordRestore(string pathId, byte[]? envelope, bool includeHistory)
    {
        lock (SyncRoot)
        {
            LastRestoredSnapshotId = pathId;
            LastRestoredEnvelope = envelope;
            LastRestoreIncludeHistory = includeHistory;
            RestoreCount++;
        }
    }
}
