using System;
using System.Text.Json.Serialization;

namespace Loomcycle
{
    /// <summary>
    /// One run-state change of a user's runs (GET /v1/users/{id}/agents/stream, <c>run_state</c>), or a change the
    /// watcher found by listing the user's runs after a (re)connect (<see cref="Source"/> = <c>listing</c>).
    /// </summary>
    public sealed class RunState : WireObject
    {
        public string RunId { get; set; } = string.Empty;
        public string AgentId { get; set; } = string.Empty;

        [JsonPropertyName("agent")]
        public string? AgentName { get; set; }
        public string? UserId { get; set; }
        public string? ParentAgentId { get; set; }

        /// <summary>running, completed, failed or cancelled.</summary>
        public string Status { get; set; } = string.Empty;

        /// <summary>The stop reason; for <c>cancelled</c> the cancel reason.</summary>
        public string? StopReason { get; set; }
        public string? Error { get; set; }

        /// <summary>When the server published the change (second precision); for listing rows, the run's completion or start time.</summary>
        [JsonPropertyName("ts")]
        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? Timestamp { get; set; }

        [JsonConverter(typeof(RawJsonConverter))]
        public string? ParentContext { get; set; }

        /// <summary><c>stream</c> when the server pushed it, <c>listing</c> when the watcher found it by listing after a (re)connect.</summary>
        [JsonIgnore]
        public string Source { get; internal set; } = "stream";

        /// <summary>True for completed, failed and cancelled.</summary>
        [JsonIgnore]
        public bool IsTerminal => LiveStatus.IsTerminal(Status);

        public override string ToString() => $"{AgentId} {Status}";

        internal static RunState FromAgent(Agent agent) => new RunState
        {
            RunId = agent.RunId,
            AgentId = agent.AgentId,
            AgentName = agent.AgentName,
            UserId = agent.UserId,
            ParentAgentId = agent.ParentAgentId,
            Status = agent.Status,
            StopReason = agent.StopReason,
            Error = agent.Error,
            Timestamp = agent.CompletedAt ?? agent.StartedAt,
            Source = "listing",
        };
    }

    /// <summary>The first frame of a run-state stream (<c>stream_open</c>).</summary>
    public sealed class RunStateStreamOpen : WireObject
    {
        public string? UserId { get; set; }
        public string[]? FilterStatus { get; set; }
        public string? FilterAgent { get; set; }
        public int KeepaliveInterval { get; set; }
    }

    internal static class LiveStatus
    {
        public static bool IsTerminal(string? status) => status == "completed" || status == "failed" || status == "cancelled";
    }

    /// <summary>The answer to POST /v1/runs/{id}/input.</summary>
    public sealed class RunInputResult : WireObject
    {
        public string RunId { get; set; } = string.Empty;

        /// <summary>True when the run took the text (false: the run was not waiting and queued nothing).</summary>
        public bool Delivered { get; set; }
    }

    /// <summary>The answer to POST /v1/runs/{id}/cancel (turn cancel).</summary>
    public sealed class TurnCancelResult : WireObject
    {
        public string RunId { get; set; } = string.Empty;
        public bool Stopped { get; set; }
        public bool Parked { get; set; }
    }

    /// <summary>The answer to POST /v1/runs/{id}/compact.</summary>
    public sealed class CompactResult : WireObject
    {
        public string RunId { get; set; } = string.Empty;
        public bool Compacted { get; set; }
        public long BeforeTokens { get; set; }
        public long AfterTokens { get; set; }

        /// <summary>live, marker or noop.</summary>
        public string? Applied { get; set; }
    }

    /// <summary>The answer to POST /v1/sessions/{id}/replay: the new session seeded from the old one.</summary>
    public sealed class SessionReplayResult : WireObject
    {
        public string NewSessionId { get; set; } = string.Empty;
        public string? SeedRunId { get; set; }
        public long EventsCopied { get; set; }
        public bool Compacted { get; set; }

        /// <summary>The session that was copied.</summary>
        [JsonIgnore]
        public string SourceSessionId { get; internal set; } = string.Empty;

        /// <summary>The agent the new session is bound to.</summary>
        [JsonIgnore]
        public string? Agent { get; internal set; }
    }

    /// <summary>A resident (long-lived interactive) sub-agent (GET /v1/_resident).</summary>
    public sealed class ResidentAgent : WireObject
    {
        [JsonPropertyName("child_run_id")]
        public string RunId { get; set; } = string.Empty;
        public string AgentId { get; set; } = string.Empty;

        [JsonPropertyName("agent")]
        public string? AgentName { get; set; }
        public string? ParentAgentId { get; set; }
        public string? TenantId { get; set; }
        public string? State { get; set; }
        public long IdleTtlSeconds { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? LastUsedAt { get; set; }
    }

    internal sealed class ResidentListEnvelope
    {
        public ResidentAgent[]? Resident { get; set; }
    }

    /// <summary>The answer to closing or turn-cancelling a resident sub-agent.</summary>
    public sealed class ResidentStopResult : WireObject
    {
        public string RunId { get; set; } = string.Empty;

        /// <summary>True after a close (the child was cancelled).</summary>
        public bool? Closed { get; set; }

        /// <summary>After a turn cancel: true when a turn was stopped.</summary>
        public bool? Stopped { get; set; }
    }

    /// <summary>One spawn of a batch (POST /v1/runs:batch).</summary>
    public sealed class BatchSpawn
    {
        public string Agent { get; set; } = string.Empty;
        public string? Prompt { get; set; }
        public string? SystemPrompt { get; set; }
        public string? UserId { get; set; }
        public string? TenantId { get; set; }
        public string? AgentId { get; set; }
        public string? UserTier { get; set; }
        public string[]? Tools { get; set; }
        public string[]? AllowedHosts { get; set; }
    }

    /// <summary>One child's outcome in a batch, in input order, carrying the input it came from.</summary>
    public sealed class BatchResult : WireObject
    {
        public string AgentId { get; set; } = string.Empty;
        public string RunId { get; set; } = string.Empty;
        public string SessionId { get; set; } = string.Empty;

        /// <summary>completed, failed or cancelled.</summary>
        public string Status { get; set; } = string.Empty;
        public string? StopReason { get; set; }
        public string? FinalText { get; set; }
        public TokenUsage? Usage { get; set; }
        public string? Error { get; set; }

        [JsonConverter(typeof(RawJsonConverter))]
        public string? Limits { get; set; }

        [JsonConverter(typeof(RawJsonConverter))]
        public string? ParentContext { get; set; }

        /// <summary>Position of the input, from 0.</summary>
        [JsonIgnore]
        public int Index { get; set; }

        /// <summary>The agent the child ran.</summary>
        [JsonIgnore]
        public string? Agent { get; set; }

        /// <summary>The prompt the child got.</summary>
        [JsonIgnore]
        public string? Prompt { get; set; }

        /// <summary>The input this result belongs to (the pipeline object or the prompt string).</summary>
        [JsonIgnore]
        public object? Input { get; set; }

        [JsonIgnore]
        public bool Succeeded => Status == "completed";

        public override string ToString() => FinalText ?? Error ?? Status;
    }

    internal sealed class BatchEnvelope
    {
        public BatchResult[]? Results { get; set; }
        public int Spawned { get; set; }
    }

    /// <summary>An operator turn on an interactive run (<c>steer</c> events): the text and where it came from (<c>replay</c> on re-attach).</summary>
    public sealed class UserInputInfo : WireObject
    {
        public string? Text { get; set; }
        public string? Source { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? SeenAt { get; set; }
    }

    /// <summary>An interactive run parked, waiting for the operator (<c>awaiting_input</c>).</summary>
    public sealed class AwaitingInputInfo : WireObject
    {
        public int SinceTurn { get; set; }
    }

    /// <summary>The current turn of an interactive run was stopped (<c>turn_cancelled</c>).</summary>
    public sealed class TurnCancelledInfo : WireObject
    {
        public string? Reason { get; set; }
        public int SinceTurn { get; set; }
    }

    /// <summary>The history was summarised to free context (<c>context_compaction</c>).</summary>
    public sealed class ContextCompactionInfo : WireObject
    {
        public string? Summary { get; set; }
        public long? BeforeTokens { get; set; }
        public long? AfterTokens { get; set; }
        public int? KeepN { get; set; }
        public bool? KeepFirst { get; set; }

        /// <summary>auto or manual.</summary>
        public string? Trigger { get; set; }
        public bool? MemoryBanked { get; set; }
    }

    /// <summary>A token-budget warning or stop (<c>limit</c>).</summary>
    public sealed class LimitInfo : WireObject
    {
        public string? Scope { get; set; }
        public string? ScopeId { get; set; }

        /// <summary>soft or hard.</summary>
        public string? Severity { get; set; }
        public string? Window { get; set; }
        public long Used { get; set; }
        public long Limit { get; set; }
        public string? Message { get; set; }
    }
}
