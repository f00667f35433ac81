using System;
using System.Collections.Generic;
using System.Linq;

namespace Loomcycle.FakeServer;

public sealed partial class FakeState
{
    private readonly List<InterruptRecord> _interrupts = new();

    public IReadOnlyList<InterruptRecord> Interrupts
    {
        get { lock (SyncRoot) return _interrupts.ToArray(); }
    }

    /// <summary>Seeds an interrupt row; a missing id becomes <c>intr_&lt;24hex&gt;</c>.</summary>
    public InterruptRecord AddInterrupt(InterruptRecord record)
    {
        if (string.IsNullOrEmpty(record.InterruptId)) record.InterruptId = Ids.Interrupt();
        lock (SyncRoot) _interrupts.Add(record);
        return record;
    }

    /// <summary>Convenience seeding of a pending question. <paramref name="options"/> null means free text.</summary>
    public InterruptRecord AddInterrupt(string runId, string? userId, string question, string[]? options = null, DateTimeOffset? expiresAt = null)
    {
        return AddInterrupt(new InterruptRecord
        {
            RunId = runId,
            UserId = userId,
            Question = question,
            OptionsJson = options is null ? null : System.Text.Json.JsonSerializer.Serialize(options),
            ExpiresAt = expiresAt,
        });
    }

    public InterruptRecord? FindInterrupt(string interruptId)
    {
        lock (SyncRoot) return _interrupts.FirstOrDefault(i => i.InterruptId == interruptId);
    }

    /// <summary>Completes when the interrupt leaves <c>pending</c> (polls; bounded by the token).</summary>
    internal async System.Threading.Tasks.Task<InterruptRecord> WaitForResolutionAsync(string interruptId, System.Threading.CancellationToken cancellationToken)
    {
        while (true)
        {
            InterruptRecord? r = FindInterrupt(interruptId);
            if (r is not null && r.Status != "pending") return r;
            await System.Threading.Tasks.Task.Delay(25, cancellationToken).ConfigureAwait(false);
        }
    }
}
