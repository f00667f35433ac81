using System;
using System.Text.Json.Serialization;

namespace Loomcycle
{
    /// <summary>One agent run's status and usage (GET /v1/agents/{id}, GET /v1/users/{id}/agents).</summary>
    public sealed class Agent : WireObject
    {
        public string AgentId { get; set; } = string.Empty;
        public string RunId { get; set; } = string.Empty;
        public string SessionId { get; set; } = string.Empty;

        [JsonPropertyName("agent")]
        public string? AgentName { get; set; }
        public string? UserId { get; set; }
        public string? ParentAgentId { get; set; }

        /// <summary>running, completed, failed or cancelled.</summary>
        public string Status { get; set; } = string.Empty;

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? StartedAt { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? CompletedAt { get; set; }
        public string? StopReason { get; set; }
        public string? Error { get; set; }
        public AgentUsage? Usage { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? LastHeartbeatAt { get; set; }

        /// <summary>True while the run is in the server's in-memory cancel registry.</summary>
        public bool Live { get; set; }
    }

    /// <summary>Token usage as the agent routes report it (names differ from the stream's).</summary>
    public sealed class AgentUsage : WireObject
    {
        public long InputTokens { get; set; }
        public long OutputTokens { get; set; }
        public long? CacheCreationTokens { get; set; }
        public long? CacheReadTokens { get; set; }
        public string? Model { get; set; }
        public string? Provider { get; set; }
    }

    /// <summary>
    /// The outcome of a cancel. The server sends <c>cancelled</c> and <c>cascaded</c>, not a count;
    /// <see cref="CancelledCount"/> is derived the way the gRPC API defines it: 1 + cascaded children, or 0.
    /// </summary>
    public sealed class CancelAgentResult : WireObject
    {
        public string AgentId { get; set; } = string.Empty;
        public bool Cancelled { get; set; }
        public string[]? Cascaded { get; set; }

        /// <summary>Terminal status when the run had already ended (then <see cref="Cancelled"/> is false).</summary>
        public string? Status { get; set; }
        public string? Reason { get; set; }

        [JsonPropertyName("cancelled_count")]
        public int? ServerCancelledCount { get; set; }

        [JsonIgnore]
        public int CancelledCount => ServerCancelledCount ?? (Cancelled ? 1 + (Cascaded?.Length ?? 0) : 0);
    }
}
