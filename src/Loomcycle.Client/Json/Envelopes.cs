using System;

namespace Loomcycle
{
    // The server wraps lists in single-key objects; these are unwrapped before anything reaches a caller.
    internal sealed class AgentListEnvelope { public Agent[]? Agents { get; set; } }

    internal sealed class UserListEnvelope { public User[]? Users { get; set; } }

    internal sealed class SnapshotListEnvelope { public Snapshot[]? Entries { get; set; } }

    internal sealed class MemoryScopeListEnvelope { public MemoryScope[]? Scopes { get; set; } }

    internal sealed class MemoryScopeIdListEnvelope
    {
        public string? Scope { get; set; }
        public MemoryScopeId[]? ScopeIds { get; set; }
    }

    internal sealed class MemoryEntryListEnvelope
    {
        public string? Scope { get; set; }
        public string? ScopeId { get; set; }
        public MemoryEntry[]? Entries { get; set; }
        public bool Truncated { get; set; }
    }

    internal sealed class MemoryEntryEnvelope
    {
        public string? Scope { get; set; }
        public string? ScopeId { get; set; }
        public MemoryEntry? Entry { get; set; }
    }

    internal sealed class InterruptListEnvelope
    {
        public Interrupt[]? Interrupts { get; set; }
        public int Total { get; set; }
    }

    internal sealed class HookListEnvelope { public Hook[]? Hooks { get; set; } }

    internal sealed class HookRegisteredEnvelope { public string? Id { get; set; } }
}
