using System;
using System.Collections.Generic;
using System.Linq;

namespace Loomcycle.FakeServer;

public sealed partial class FakeState
{
    private readonly Dictionary<string, SessionRecord> _sessions = new(StringComparer.Ordinal);

    public IReadOnlyList<SessionRecord> Sessions
    {
        get { lock (SyncRoot) return _sessions.Values.OrderBy(s => s.CreatedAt).ToArray(); }
    }

    /// <summary>Seeds (or returns) a session. A null id generates <c>s_&lt;16hex&gt;</c>.</summary>
    public SessionRecord AddSession(string? id = null, string agent = "echo", string? userId = null, string tenantId = "default")
    {
        lock (SyncRoot)
        {
            id ??= Ids.Session();
            if (_sessions.TryGetValue(id, out SessionRecord? existing)) return existing;
            var s = new SessionRecord { Id = id, Agent = agent, UserId = userId, TenantId = tenantId };
            _sessions[id] = s;
            return s;
        }
    }

    public SessionRecord? FindSession(string id)
    {
        lock (SyncRoot) return _sessions.GetValueOrDefault(id);
    }

    /// <summary>Takes the session lock; false means busy (409 session_busy).</summary>
    internal bool TryLockSession(SessionRecord session)
    {
        lock (SyncRoot)
        {
            if (session.Busy) return false;
            session.Busy = true;
            return true;
        }
    }

    internal void UnlockSession(SessionRecord session)
    {
        lock (SyncRoot) session.Busy = false;
    }

    /// <summary>Marks a session busy or idle by hand (to provoke 409 session_busy without a stream).</summary>
    public void SetSessionBusy(string sessionId, bool busy)
    {
        lock (SyncRoot)
        {
            if (_sessions.TryGetValue(sessionId, out SessionRecord? s)) s.Busy = busy;
        }
    }

    /// <summary>Appends a transcript row with the next sequence number.</summary>
    public TranscriptEvent AppendTranscript(SessionRecord session, string runId, string type, byte[] eventJson, byte[]? payloadJson = null)
    {
        lock (session.EventList)
        {
            var e = new TranscriptEvent(session.NextSeq++, runId, Json.GoJson.UnixNanos(DateTimeOffset.UtcNow), type, eventJson, payloadJson);
            session.EventList.Add(e);
            return e;
        }
    }
}
