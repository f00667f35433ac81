using System;

namespace Loomcycle.FakeServer;

/// <summary>One run of an agent (the server's run row plus its live-registry membership).</summary>
public sealed class AgentRecord
{
    public string AgentId { get; set; } = "";
    public string RunId { get; set; } = "";
    public string SessionId { get; set; } = "";
    /// <summary>The agent definition name (e.g. <c>echo</c>); omitted from JSON when null.</summary>
    public string? Agent { get; set; }
    public string? UserId { get; set; }
    public string TenantId { get; set; } = "default";
    public string? ParentAgentId { get; set; }
    /// <summary><c>running</c> | <c>completed</c> | <c>failed</c> | <c>cancelled</c>.</summary>
    public string Status { get; set; } = "running";
    public DateTimeOffset StartedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? CompletedAt { get; set; }
    public string? StopReason { get; set; }
    public string? Error { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long? CacheCreationTokens { get; set; }
    public long? CacheReadTokens { get; set; }
    public string? Model { get; set; }
    public DateTimeOffset? LastHeartbeatAt { get; set; }
    /// <summary>True while the run is in the in-memory cancel registry. Seeded records may set it to make
    /// cancel answer <c>cancelled:true</c> (and cascade to live children) without a stream.</summary>
    public bool Live { get; set; }
    /// <summary>False for runs started while <see cref="FakeServerOptions.StoreConfigured"/> is false.</summary>
    public bool Persisted { get; set; } = true;
    /// <summary>The reason passed to the cancel API, once cancelled.</summary>
    public string? CancelReason { get; internal set; }
    /// <summary>The text of the run's input (prompt or last user segment).</summary>
    public string? InputText { get; set; }

    /// <summary>Set by a streaming run: cancels its stream.</summary>
    internal Action? CancelHandler { get; set; }

    public bool IsTerminal => Status is "completed" or "failed" or "cancelled";

    public override string ToString() => $"{AgentId} ({Agent}) {Status}";
}
