using System;

namespace Loomcycle.FakeServer;

/// <summary>One memory row. <see cref="ValueJson"/> is raw JSON text.</summary>
public sealed class MemoryEntry
{
    public string Scope { get; set; } = "agent";
    public string ScopeId { get; set; } = "";
    public string Key { get; set; } = "";
    public string ValueJson { get; set; } = "null";
    /// <summary>Null means no TTL (marshalled as the zero time).</summary>
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;

    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } e && e <= now;

    public override string ToString() => $"{Scope}/{ScopeId}/{Key}";
}
