using System;
using System.Collections.Generic;
using System.Linq;

namespace Loomcycle.FakeServer;

public sealed partial class FakeState
{
    private readonly List<AgentRecord> _agents = new();

    /// <summary>Every run, oldest first.</summary>
    public IReadOnlyList<AgentRecord> Agents
    {
        get { lock (SyncRoot) return _agents.ToArray(); }
    }

    /// <summary>Seeds a run row. Missing ids are generated (<c>a_</c>, <c>r_</c>, <c>s_</c>).</summary>
    public AgentRecord AddAgent(AgentRecord record)
    {
        if (string.IsNullOrEmpty(record.AgentId)) record.AgentId = Ids.Agent();
        if (string.IsNullOrEmpty(record.RunId)) record.RunId = Ids.Run();
        if (string.IsNullOrEmpty(record.SessionId)) record.SessionId = Ids.Session();
        lock (SyncRoot) _agents.Add(record);
        return record;
    }

    /// <summary>Convenience seeding: a run of <paramref name="agent"/> for <paramref name="userId"/>.</summary>
    public AgentRecord AddAgent(string agentId, string? userId = null, string status = "running", string? parentAgentId = null, bool live = false, string agent = "echo")
    {
        var r = new AgentRecord
        {
            AgentId = agentId,
            UserId = userId,
            Status = status,
            ParentAgentId = parentAgentId,
            Live = live,
            Agent = agent,
        };
        if (r.IsTerminal)
        {
            r.CompletedAt = DateTimeOffset.UtcNow;
            r.StopReason ??= status == "completed" ? "end_turn" : null;
        }
        return AddAgent(r);
    }

    /// <summary>The latest run carrying <paramref name="agentId"/>, or null.</summary>
    public AgentRecord? FindAgent(string agentId)
    {
        lock (SyncRoot) return FindAgentLocked(agentId, includeUnpersisted: true);
    }

    public AgentRecord? FindRun(string runId)
    {
        lock (SyncRoot) return _agents.LastOrDefault(a => a.RunId == runId);
    }

    internal AgentRecord? FindAgentLocked(string agentId, bool includeUnpersisted)
    {
        AgentRecord? best = null;
        foreach (AgentRecord a in _agents)
        {
            if (a.AgentId != agentId) continue;
            if (!includeUnpersisted && !a.Persisted && !a.Live) continue;
            if (best is null || a.StartedAt >= best.StartedAt) best = a;
        }
        return best;
    }

    /// <summary>For the route layer: the row visible through GET /v1/agents/{id}.</summary>
    internal AgentRecord? LookupAgent(string agentId, bool storeConfigured)
    {
        lock (SyncRoot)
        {
            AgentRecord? a = FindAgentLocked(agentId, includeUnpersisted: true);
            if (a is null) return null;
            if (!storeConfigured && !a.Live) return null;
            return a;
        }
    }

    /// <summary>Registers a new streaming run unless its agent id is already live.</summary>
    internal bool TryRegisterRun(AgentRecord record)
    {
        lock (SyncRoot)
        {
            if (_agents.Any(a => a.AgentId == record.AgentId && a.Live)) return false;
            record.Live = true;
            _agents.Add(record);
        }
        RunStates.Publish(record);
        return true;
    }

    internal sealed record CancelOutcome(AgentRecord? Target, bool Cancelled, IReadOnlyList<string> Cascaded);

    /// <summary>The cancel API: cancels a live run and its live descendants (marking them cancelled at once).</summary>
    internal CancelOutcome Cancel(string agentId, string reason, bool storeConfigured)
    {
        var handlers = new List<Action>();
        var published = new List<AgentRecord>();
        CancelOutcome outcome;
        lock (SyncRoot)
        {
            AgentRecord? target = FindAgentLocked(agentId, includeUnpersisted: true);
            if (target is null || (!storeConfigured && !target.Live)) return new CancelOutcome(null, false, Array.Empty<string>());
            if (!target.Live) return new CancelOutcome(target, false, Array.Empty<string>());

            var cascaded = new List<string>();
            var frontier = new Queue<string>();
            frontier.Enqueue(target.AgentId);
            var seen = new HashSet<string> { target.AgentId };
            while (frontier.Count > 0)
            {
                string parent = frontier.Dequeue();
                foreach (AgentRecord child in _agents)
                {
                    if (!child.Live || child.ParentAgentId != parent || !seen.Add(child.AgentId)) continue;
                    cascaded.Add(child.AgentId);
                    frontier.Enqueue(child.AgentId);
                }
            }
            DateTimeOffset now = DateTimeOffset.UtcNow;
            foreach (AgentRecord r in _agents.Where(a => a.Live && seen.Contains(a.AgentId)).ToList())
            {
                r.Live = false;
                r.Status = "cancelled";
                r.CompletedAt = now;
                r.StopReason = reason;
                r.CancelReason = reason;
                published.Add(r);
                if (r.CancelHandler is { } h) handlers.Add(h);
            }
            outcome = new CancelOutcome(target, true, cascaded);
        }
        foreach (AgentRecord r in published) RunStates.Publish(r);
        foreach (Action h in handlers)
        {
            try { h(); } catch { /* a finished stream may already be gone */ }
        }
        return outcome;
    }
}
