using System;
using System.Text.Json.Serialization;

namespace Loomcycle
{
    /// <summary>An interrupt a run raised, with its answer once resolved.</summary>
    public sealed class Interrupt : WireObject
    {
        public string InterruptId { get; set; } = string.Empty;
        public string RunId { get; set; } = string.Empty;
        public string Kind { get; set; } = string.Empty;

        /// <summary>pending, resolved, timed_out, cancelled or declined.</summary>
        public string Status { get; set; } = string.Empty;
        public string? Question { get; set; }

        /// <summary>The declared options as exact JSON (a string array), or null for free text.</summary>
        [JsonConverter(typeof(RawJsonConverter))]
        public string? Options { get; set; }
        public string? ContextData { get; set; }
        public string? Priority { get; set; }
        public string? Answer { get; set; }

        [JsonConverter(typeof(RawJsonConverter))]
        public string? AnswerMeta { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? CreatedAt { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? ExpiresAt { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? ResolvedAt { get; set; }
        public string? ResolvedBy { get; set; }
        public string? UserId { get; set; }
        public string? AgentId { get; set; }
        public string? AgentName { get; set; }
    }

    /// <summary>The server's answer to a resolve.</summary>
    public sealed class InterruptResolution : WireObject
    {
        public string InterruptId { get; set; } = string.Empty;
        public string Status { get; set; } = string.Empty;

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? ResolvedAt { get; set; }

        [JsonIgnore]
        public string RunId { get; internal set; } = string.Empty;
    }
}
