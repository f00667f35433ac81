using System;
using System.Collections.Generic;
using System.Linq;

namespace Loomcycle.FakeServer;

public sealed partial class FakeState
{
    private readonly List<MemoryEntry> _memory = new();

    public IReadOnlyList<MemoryEntry> Memory
    {
        get { lock (SyncRoot) return _memory.ToArray(); }
    }

    /// <summary>Upserts a memory row. <paramref name="valueJson"/> is raw JSON (e.g. <c>"\"text\""</c> or <c>{"a":1}</c>).</summary>
    public MemoryEntry AddMemory(string scope, string scopeId, string key, string valueJson, DateTimeOffset? expiresAt = null)
    {
        using (System.Text.Json.JsonDocument.Parse(valueJson)) { } // must be valid JSON
        lock (SyncRoot)
        {
            MemoryEntry? existing = _memory.FirstOrDefault(m => m.Scope == scope && m.ScopeId == scopeId && m.Key == key);
            DateTimeOffset now = DateTimeOffset.UtcNow;
            if (existing is not null)
            {
                existing.ValueJson = valueJson;
                existing.ExpiresAt = expiresAt;
                existing.UpdatedAt = now;
                return existing;
            }
            var e = new MemoryEntry { Scope = scope, ScopeId = scopeId, Key = key, ValueJson = valueJson, ExpiresAt = expiresAt, CreatedAt = now, UpdatedAt = now };
            _memory.Add(e);
            return e;
        }
    }

    public MemoryEntry? FindMemory(string scope, string scopeId, string key)
    {
        lock (SyncRoot) return _memory.FirstOrDefault(m => m.Scope == scope && m.ScopeId == scopeId && m.Key == key);
    }

    /// <summary>Snapshot restore semantics: ON CONFLICT DO NOTHING.</summary>
    internal bool InsertMemoryIfAbsent(MemoryEntry entry)
    {
        lock (SyncRoot)
        {
            if (_memory.Any(m => m.Scope == entry.Scope && m.ScopeId == entry.ScopeId && m.Key == entry.Key)) return false;
            _memory.Add(entry);
            return true;
        }
    }
}
