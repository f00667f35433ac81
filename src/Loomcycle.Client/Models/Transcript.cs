using System;
using System.Text.Json.Serialization;

namespace Loomcycle
{
    /// <summary>A session's persisted event log (GET /v1/sessions/{id}/transcript).</summary>
    public sealed class Transcript : WireObject
    {
        public SessionInfo Session { get; set; } = new SessionInfo();
        public TranscriptEvent[] Events { get; set; } = Array.Empty<TranscriptEvent>();

        [JsonIgnore]
        public string SessionId => Session.Id;
    }

    /// <summary>A stored session.</summary>
    public sealed class SessionInfo : WireObject
    {
        public string Id { get; set; } = string.Empty;
        public string? TenantId { get; set; }

        [JsonPropertyName("agent")]
        public string? AgentName { get; set; }
        public string? UserId { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? CreatedAt { get; set; }
    }

    /// <summary>One persisted event: its position, run, time and the event itself.</summary>
    public sealed class TranscriptEvent : WireObject
    {
        public long Seq { get; set; }
        public string RunId { get; set; } = string.Empty;

        /// <summary>Unix time in nanoseconds, as stored.</summary>
        public long TsNs { get; set; }
        public string Type { get; set; } = string.Empty;

        [JsonPropertyName("event")]
        public RunEvent? Event { get; set; }

        /// <summary>NEW servers: the raw payload for user_input and system_prompt rows.</summary>
        [JsonConverter(typeof(RawJsonConverter))]
        public string? Payload { get; set; }

        [JsonIgnore]
        public DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeMilliseconds(TsNs / 1_000_000).AddTicks(TsNs % 1_000_000 / 100);
    }
}
