using System;

namespace Loomcycle.FakeServer;

/// <summary>One interrupt row (status <c>pending</c> | <c>resolved</c> | <c>timed_out</c> | <c>cancelled</c> | <c>declined</c>).</summary>
public sealed class InterruptRecord
{
    public string InterruptId { get; set; } = "";
    public string RunId { get; set; } = "";
    public string Kind { get; set; } = "question";
    public string Status { get; set; } = "pending";
    public string? Question { get; set; }
    /// <summary>Raw JSON array of option strings, or null for free-text interrupts.</summary>
    public string? OptionsJson { get; set; }
    public string? ContextData { get; set; }
    public string Priority { get; set; } = "normal";
    public string? Answer { get; set; }
    /// <summary>Raw JSON, or null.</summary>
    public string? AnswerMetaJson { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public string? ResolvedBy { get; set; }
    public string? UserId { get; set; }
    public string? AgentId { get; set; }
    public string? AgentName { get; set; }
    public string TenantId { get; set; } = "default";

    public override string ToString() => $"{InterruptId} ({Status})";
}
