using System;
using System.Collections.Generic;

namespace Loomcycle.FakeServer;

/// <summary>A session and its persisted transcript.</summary>
public sealed class SessionRecord
{
    internal readonly List<TranscriptEvent> EventList = new();
    internal long NextSeq = 1;
    /// <summary>Completed (and replaced) when rows are appended, for run-stream tails (live routes).</summary>
    internal System.Threading.Tasks.TaskCompletionSource Appended = new(System.Threading.Tasks.TaskCreationOptions.RunContinuationsAsynchronously);

    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "default";
    public string Agent { get; set; } = "echo";
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public string? UserId { get; set; }

    /// <summary>True while a stream holds the session lock (another run on it gets 409 session_busy).</summary>
    public bool Busy { get; internal set; }

    /// <summary>A copy of the transcript rows.</summary>
    public IReadOnlyList<TranscriptEvent> Events
    {
        get { lock (EventList) return EventList.ToArray(); }
    }

    public override string ToString() => $"{Id} ({Agent})";
}
