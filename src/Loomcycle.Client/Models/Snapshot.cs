using System;
using System.Text.Json.Serialization;

namespace Loomcycle
{
    /// <summary>
    /// A captured snapshot. <see cref="JsonContent"/> is the envelope's exact JSON and is filled only
    /// when asked for (Get-LoomcycleSnapshot -IncludeContent); <see cref="ExportUrl"/> is where the
    /// envelope can be downloaded with the same bearer token.
    /// </summary>
    public sealed class Snapshot : WireObject
    {
        public string Id { get; set; } = string.Empty;

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? CreatedAt { get; set; }
        public string? Label { get; set; }
        public int SchemaVersion { get; set; }
        public long ByteSize { get; set; }

        [JsonConverter(typeof(RawJsonConverter))]
        public string? JsonContent { get; set; }

        [JsonIgnore]
        public Uri? ExportUrl { get; internal set; }
    }

    /// <summary>POST /v1/_snapshots/{id}/restore: rows written per section (0 for rows that already existed).</summary>
    public sealed class SnapshotRestoreResult : WireObject
    {
        public int AgentDefsRestored { get; set; }
        public int AgentDefActiveRestored { get; set; }
        public int MemoryRestored { get; set; }
        public int ChannelMessagesRestored { get; set; }
        public int ChannelCursorsRestored { get; set; }
        public int EvaluationsRestored { get; set; }
        public int PausedRunsRestored { get; set; }
        public int? PausedRunsResumed { get; set; }
        public int SynthesizedSessions { get; set; }
        public int TranscriptEventsRestored { get; set; }
        public int InteractionHistoryRestored { get; set; }
        public string[]? Warnings { get; set; }

        /// <summary>The snapshot id, or the file, the restore came from.</summary>
        [JsonIgnore]
        public string? Source { get; internal set; }
    }
}
