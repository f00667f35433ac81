using System;
using System.Text.Json.Serialization;

namespace Loomcycle
{
    /// <summary>The server's answer to a memory write (PUT …/keys/{key}).</summary>
    public sealed class MemoryWriteResult : WireObject
    {
        public string Scope { get; set; } = string.Empty;

        [JsonPropertyName("scope_id")]
        public string ScopeId { get; set; } = string.Empty;
        public string Key { get; set; } = string.Empty;

        /// <summary>True when the value was embedded for semantic search.</summary>
        public bool Embedded { get; set; }

        /// <summary>Why embedding failed; the write itself still succeeded.</summary>
        public string? EmbedWarning { get; set; }
    }

    /// <summary>The provider and model that embedded a search hit.</summary>
    public sealed class EmbeddedWith : WireObject
    {
        public string? Provider { get; set; }
        public string? Model { get; set; }

        public override string ToString() => Provider + "/" + Model;
    }

    /// <summary>One semantic search hit: a memory fact, a note or a document chunk.</summary>
    public sealed class MemorySearchHit : WireObject
    {
        [JsonIgnore]
        public string Scope { get; internal set; } = string.Empty;

        [JsonIgnore]
        public string ScopeId { get; internal set; } = string.Empty;
        public string Key { get; set; } = string.Empty;

        /// <summary>The stored JSON, exactly as the server sent it.</summary>
        [JsonConverter(typeof(RawJsonConverter))]
        public string? Value { get; set; }
        public double Score { get; set; }
        public double RankScore { get; set; }
        public EmbeddedWith? EmbeddedWith { get; set; }

        /// <summary>fact, note or document.</summary>
        public string? Kind { get; set; }
        public string? ChunkId { get; set; }
        public string? Document { get; set; }
        public string? Title { get; set; }
    }

    internal sealed class MemorySearchEnvelope
    {
        public string? Scope { get; set; }

        [JsonPropertyName("scope_id")]
        public string? ScopeId { get; set; }
        public MemorySearchHit[]? Entries { get; set; }
        public int QueryEmbeddingDim { get; set; }
        public bool Truncated { get; set; }
    }

    /// <summary>Search hits plus whether the server cut the list.</summary>
    public sealed class MemorySearchResult
    {
        public MemorySearchResult(MemorySearchHit[] hits, bool truncated)
        {
            Hits = hits;
            Truncated = truncated;
        }

        public MemorySearchHit[] Hits { get; }
        public bool Truncated { get; }
    }

    /// <summary>Rows embedded with one provider/model.</summary>
    public sealed class MemoryEmbeddingModel : WireObject
    {
        public string? Provider { get; set; }
        public string? Model { get; set; }
        public int Dimension { get; set; }
        public long RowCount { get; set; }
    }

    /// <summary>Embedding statistics of one memory scope (GET /v1/_memory/embed_stats).</summary>
    public sealed class MemoryEmbeddingStats : WireObject
    {
        public string Scope { get; set; } = string.Empty;
        public string? Tenant { get; set; }
        public MemoryEmbeddingModel[]? Models { get; set; }
        public long TotalEmbeddingBytes { get; set; }
        public string[]? Notes { get; set; }
    }

    /// <summary>The embedder the server is configured with.</summary>
    public sealed class MemoryEmbedder : WireObject
    {
        public string? Provider { get; set; }
        public string? Model { get; set; }
        public int Dimension { get; set; }

        public override string ToString() => $"{Provider}/{Model} ({Dimension})";
    }

    /// <summary>
    /// The answer of one embedding maintenance call (reembed, backfill_embeddings or purge_stale_embeddings),
    /// dry run or live. Fields that another operation reports stay null.
    /// </summary>
    public sealed class MemoryEmbeddingResult : WireObject
    {
        /// <summary>Reembed, Backfill or PurgeStale (set by this module).</summary>
        [JsonIgnore]
        public string Operation { get; internal set; } = string.Empty;

        /// <summary>The call's number in a repeated backfill (1 for the first); set by the caller that repeats the call.</summary>
        [JsonIgnore]
        public int Batch { get; set; } = 1;
        public string Scope { get; set; } = string.Empty;

        [JsonPropertyName("scope_id")]
        public string? ScopeId { get; set; }
        public string? Prefix { get; set; }
        public bool DryRun { get; set; }
        public int? RowsTotal { get; set; }
        public int? RowsToReembed { get; set; }
        public int? RowsReembedded { get; set; }
        public int? RowsFailed { get; set; }
        public int? Candidates { get; set; }
        public int? Embedded { get; set; }
        public int? Failed { get; set; }
        public int? SkippedEmpty { get; set; }
        public bool? More { get; set; }
        public int? Scanned { get; set; }
        public int? Stale { get; set; }
        public int? Purged { get; set; }
        public bool? Truncated { get; set; }
        public string[]? SampleKeys { get; set; }
        public bool? SampleKeysCapped { get; set; }
        public string[]? FailedKeys { get; set; }
        public string? FirstFailure { get; set; }
        public MemoryEmbedder? CurrentEmbedder { get; set; }
        public string[]? Notes { get; set; }
    }

    /// <summary>The first frame of a change feed: whether capture is on, where the feed starts, the embedder's health.</summary>
    public sealed class ChangeFeedStatus : WireObject
    {
        public bool Enabled { get; set; }
        public long Since { get; set; }

        [JsonConverter(typeof(RawJsonConverter))]
        public string? Embedder { get; set; }
    }

    /// <summary>
    /// One change on a memory or document feed. <see cref="Type"/> is the change type the server put in the frame
    /// (memory.set, memory.delete, memory.scope_deleted, document.chunk.updated, document.chunk.deleted); frames are
    /// value-free, so read the current value with Get-LoomcycleMemory. Resume a feed from <see cref="Seq"/>.
    /// </summary>
    public sealed class MemoryChange : WireObject
    {
        public long Seq { get; set; }
        public string? Tenant { get; set; }
        public string Type { get; set; } = string.Empty;
        public string? Scope { get; set; }

        [JsonPropertyName("scope_id")]
        public string? ScopeId { get; set; }
        public string? Key { get; set; }
        public string? ChunkId { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? At { get; set; }

        /// <summary>The SSE event name the frame came in (change).</summary>
        [JsonIgnore]
        public string Event { get; internal set; } = string.Empty;

        /// <summary>memory or document: which feed the change came from.</summary>
        [JsonIgnore]
        public string Feed { get; internal set; } = string.Empty;
    }
}
