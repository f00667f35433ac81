using System;
using System.Text.Json.Serialization;

namespace Loomcycle
{
    /// <summary>A kind of memory scope (agent, user, tenant …).</summary>
    public sealed class MemoryScope : WireObject
    {
        public string Name { get; set; } = string.Empty;
        public string? Description { get; set; }

        /// <summary>Same as <see cref="Name"/>, so scopes pipe into Get-LoomcycleMemoryScopeId.</summary>
        [JsonIgnore]
        public string Scope => Name;
    }

    /// <summary>A scope id that holds memory rows.</summary>
    public sealed class MemoryScopeId : WireObject
    {
        [JsonIgnore]
        public string Scope { get; internal set; } = string.Empty;

        [JsonPropertyName("scope_id")]
        public string ScopeId { get; set; } = string.Empty;
        public long KeyCount { get; set; }
        public long Bytes { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? UpdatedAt { get; set; }
    }

    /// <summary>One memory row. <see cref="Value"/> is the stored JSON, exactly as the server holds it.</summary>
    public sealed class MemoryEntry : WireObject
    {
        [JsonIgnore]
        public string Scope { get; internal set; } = string.Empty;

        [JsonIgnore]
        public string ScopeId { get; internal set; } = string.Empty;
        public string Key { get; set; } = string.Empty;

        [JsonConverter(typeof(RawJsonConverter))]
        public string? Value { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? ExpiresAt { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? CreatedAt { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? UpdatedAt { get; set; }
    }

    /// <summary>A page of memory rows; <see cref="Truncated"/> says the server had more than the limit.</summary>
    public sealed class MemoryEntryList
    {
        public MemoryEntryList(MemoryEntry[] entries, bool truncated)
        {
            Entries = entries;
            Truncated = truncated;
        }

        public MemoryEntry[] Entries { get; }
        public bool Truncated { get; }
    }
}
