using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;

namespace Loomcycle.FakeServer;

/// <summary>
/// The run-state bus (GET /v1/users/{id}/agents/stream): every status change is offered to each subscriber's bounded
/// buffer (64 by default); a full buffer silently drops the event, as <c>internal/runstate/bus.go</c> does.
/// </summary>
public sealed class RunStateBus
{
    private readonly object _gate = new();
    private readonly List<RunStateSubscription> _subscribers = new();
    private int _dropped;
    private int _published;
    private TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Events each subscriber can hold before further ones are dropped.</summary>
    public int BufferSize { get; set; } = 64;

    /// <summary>While true, open streams stop draining their buffers (a slow subscriber); buffers fill and then drop.</summary>
    public bool Stalled
    {
        get { lock (_gate) return _stalled; }
        set
        {
            RunStateSubscription[] subs;
            lock (_gate)
            {
                _stalled = value;
                subs = _subscribers.ToArray();
            }
            if (!value) foreach (var s in subs) s.Wake();
        }
    }

    private bool _stalled;

    /// <summary>
    /// Measurement hook (benchmarks): <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> taken just before the
    /// latest run_state frame was written to a stream (0 before the first).
    /// </summary>
    public long LastFrameWrittenAt => Interlocked.Read(ref _lastFrameWrittenAt);

    private long _lastFrameWrittenAt;

    internal void NoteFrameWriting() => Interlocked.Exchange(ref _lastFrameWrittenAt, System.Diagnostics.Stopwatch.GetTimestamp());

    /// <summary>Events dropped because a subscriber's buffer was full.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    public int Published => Volatile.Read(ref _published);

    /// <summary>Streams open now.</summary>
    public int Subscribers
    {
        get { lock (_gate) return _subscribers.Count; }
    }

    /// <summary>Streams opened since the server started.</summary>
    public int TotalSubscriptions { get; private set; }

    /// <summary>Completes when the number of streams ever opened reaches <paramref name="count"/>.</summary>
    public async Task WaitForSubscriptionsAsync(int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (TotalSubscriptions >= count) return;
                next = _subscribed.Task;
            }
            try { await next.WaitAsync(cts.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { throw new TimeoutException($"{TotalSubscriptions} of {count} run-state subscriptions within {timeout}"); }
        }
    }

    /// <summary>Ends every open stream now (what the server does after 30 minutes); buffered events are lost.</summary>
    public void CloseAll()
    {
        RunStateSubscription[] subs;
        lock (_gate) subs = _subscribers.ToArray();
        foreach (var s in subs) s.Close();
    }

    internal RunStateSubscription Subscribe(string userId, IReadOnlyCollection<string> statuses, string agent)
    {
        var s = new RunStateSubscription(this, userId, statuses, agent);
        TaskCompletionSource done;
        lock (_gate)
        {
            _subscribers.Add(s);
            TotalSubscriptions++;
            done = _subscribed;
            _subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        done.TrySetResult();
        return s;
    }

    internal void Unsubscribe(RunStateSubscription s)
    {
        lock (_gate) _subscribers.Remove(s);
    }

    /// <summary>Publishes the record's current status to every matching subscriber.</summary>
    public void Publish(AgentRecord r)
    {
        byte[] json = GoJson.Serialize(Frame(r));
        RunStateSubscription[] subs;
        lock (_gate) subs = _subscribers.ToArray();
        Interlocked.Increment(ref _published);
        foreach (var s in subs)
        {
            if (!s.Matches(r)) continue;
            if (!s.TryOffer(json)) Interlocked.Increment(ref _dropped);
        }
    }

    internal static JsonObject Frame(AgentRecord r)
    {
        var o = new JsonObject
        {
            ["run_id"] = r.RunId,
            ["agent_id"] = r.AgentId,
            ["agent"] = r.Agent ?? "",
            ["user_id"] = r.UserId ?? "",
        };
        if (!string.IsNullOrEmpty(r.ParentAgentId)) o["parent_agent_id"] = r.ParentAgentId;
        o["status"] = r.Status;
        if (!string.IsNullOrEmpty(r.StopReason)) o["stop_reason"] = r.StopReason;
        if (!string.IsNullOrEmpty(r.Error)) o["error"] = r.Error;
        o["ts"] = DateTimeOffset.UtcNow.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        return o;
    }

    internal bool IsStalled => Stalled;
}

/// <summary>One open run-state stream: its filters and its bounded buffer.</summary>
internal sealed class RunStateSubscription
{
    private readonly RunStateBus _bus;
    private readonly Queue<byte[]> _buffer = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly SemaphoreSlim _signal = new(0);

    public RunStateSubscription(RunStateBus bus, string userId, IReadOnlyCollection<string> statuses, string agent)
    {
        _bus = bus;
        UserId = userId;
        Statuses = statuses;
        Agent = agent;
    }

    public string UserId { get; }
    public IReadOnlyCollection<string> Statuses { get; }
    public string Agent { get; }
    public CancellationToken Closed => _closed.Token;

    public bool Matches(AgentRecord r) =>
        r.UserId == UserId && (Statuses.Count == 0 || Statuses.Contains(r.Status)) && (Agent.Length == 0 || r.Agent == Agent);

    public bool TryOffer(byte[] json)
    {
        lock (_buffer)
        {
            if (_buffer.Count >= _bus.BufferSize) return false;
            _buffer.Enqueue(json);
        }
        _signal.Release();
        return true;
    }

    public void Wake() => _signal.Release();

    public void Close()
    {
        try { _closed.Cancel(); } catch (ObjectDisposedException) { }
    }

    /// <summary>The next buffered event (waits while the bus is stalled); null when the token ends.</summary>
    public async Task<byte[]?> NextAsync(CancellationToken token)
    {
        while (true)
        {
            if (!_bus.IsStalled)
            {
                lock (_buffer)
                {
                    if (_buffer.Count > 0) return _buffer.Dequeue();
                }
            }
            try { await _signal.WaitAsync(token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return null; }
        }
    }

    public void Dispose()
    {
        _bus.Unsubscribe(this);
        _closed.Dispose();
    }
}

/// <summary>A resident (long-lived interactive) sub-agent, as GET /v1/_resident lists it.</summary>
public sealed class ResidentRecord
{
    public string ChildRunId { get; set; } = "";
    public string AgentId { get; set; } = "";
    public string? Agent { get; set; }
    public string? ParentAgentId { get; set; }
    public string? TenantId { get; set; }
    public string State { get; set; } = "idle";
    public long IdleTtlSeconds { get; set; } = 600;
    public DateTimeOffset LastUsedAt { get; set; } = DateTimeOffset.UtcNow;
    /// <summary>Calls to …/cancel that stopped a turn.</summary>
    public int TurnCancels { get; set; }
}

public sealed partial class FakeState
{
    private readonly List<ResidentRecord> _residents = new();
    private readonly Dictionary<string, InteractiveRun> _interactive = new(StringComparer.Ordinal);

    /// <summary>The run-state bus behind GET /v1/users/{id}/agents/stream.</summary>
    public RunStateBus RunStates { get; } = new();

    /// <summary>Changes a run's status (and its stop reason / error) and publishes it on the run-state bus.</summary>
    public void SetRunStatus(AgentRecord record, string status, string? stopReason = null, string? error = null)
    {
        lock (SyncRoot)
        {
            record.Status = status;
            if (stopReason is not null) record.StopReason = stopReason;
            if (error is not null) record.Error = error;
            if (record.IsTerminal)
            {
                record.CompletedAt ??= DateTimeOffset.UtcNow;
                record.Live = false;
            }
        }
        RunStates.Publish(record);
    }

    public IReadOnlyList<ResidentRecord> Residents
    {
        get { lock (SyncRoot) return _residents.ToArray(); }
    }

    public ResidentRecord AddResident(ResidentRecord r)
    {
        if (string.IsNullOrEmpty(r.ChildRunId)) r.ChildRunId = Ids.Run();
        if (string.IsNullOrEmpty(r.AgentId)) r.AgentId = Ids.Agent();
        lock (SyncRoot) _residents.Add(r);
        return r;
    }

    internal ResidentRecord? FindResident(string runId)
    {
        lock (SyncRoot) return _residents.FirstOrDefault(r => r.ChildRunId == runId);
    }

    internal bool RemoveResident(string runId)
    {
        lock (SyncRoot) return _residents.RemoveAll(r => r.ChildRunId == runId) > 0;
    }

    /// <summary>The interactive run with this run id, while its loop lives.</summary>
    public InteractiveRun? FindInteractive(string runId)
    {
        lock (SyncRoot) return _interactive.GetValueOrDefault(runId);
    }

    internal void AddInteractive(InteractiveRun run)
    {
        lock (SyncRoot) _interactive[run.Record.RunId] = run;
    }

    /// <summary>Signals every tail of <paramref name="session"/> that rows were appended.</summary>
    internal void NotifyAppended(SessionRecord session)
    {
        TaskCompletionSource tcs;
        lock (session.EventList)
        {
            tcs = session.Appended;
            session.Appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        tcs.TrySetResult();
    }
}
