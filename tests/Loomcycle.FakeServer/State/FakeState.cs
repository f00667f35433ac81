using System;

namespace Loomcycle.FakeServer;

/// <summary>
/// The fake server's in-memory data: runs, sessions and transcripts, memory rows, interrupts, hooks, snapshots
/// and the pause state. Tests may seed and inspect it at any time; every accessor is thread-safe and list
/// properties return copies. Records themselves are live objects (the server keeps updating running ones).
/// </summary>
public sealed partial class FakeState
{
    /// <summary>The lock guarding every collection.</summary>
    public object SyncRoot { get; } = new();

    private string _runtimeState = "running";
    private int _pausedRunsCount;

    /// <summary><c>running</c> | <c>pausing</c> | <c>paused</c>.</summary>
    public string RuntimeState
    {
        get { lock (SyncRoot) return _runtimeState; }
        set { lock (SyncRoot) _runtimeState = value; }
    }

    /// <summary>Reported by <c>_state</c>, <c>_pause</c> and consumed by <c>_resume</c>.</summary>
    public int PausedRunsCount
    {
        get { lock (SyncRoot) return _pausedRunsCount; }
        set { lock (SyncRoot) _pausedRunsCount = value; }
    }

    /// <summary>Atomically moves <c>running</c> → <c>pausing</c>; false when already pausing or paused.</summary>
    internal bool TryBeginPause()
    {
        lock (SyncRoot)
        {
            if (_runtimeState != "running") return false;
            _runtimeState = "pausing";
            return true;
        }
    }

    /// <summary>Atomically moves <c>paused</c> → <c>running</c>; returns the resumed count or -1 when not paused.</summary>
    internal int TryResume()
    {
        lock (SyncRoot)
        {
            if (_runtimeState != "paused") return -1;
            _runtimeState = "running";
            int n = _pausedRunsCount;
            _pausedRunsCount = 0;
            return n;
        }
    }

    internal bool IsPausingOrPaused
    {
        get { lock (SyncRoot) return _runtimeState is "pausing" or "paused"; }
    }

    /// <summary>Empties every collection and resets the runtime state.</summary>
    public void Clear()
    {
        lock (SyncRoot)
        {
            _agents.Clear();
            _sessions.Clear();
            _memory.Clear();
            _interrupts.Clear();
            _hooks.Clear();
            _hookDeliveries.Clear();
            _snapshots.Clear();
            ClearDefinitions();
            _runtimeState = "running";
            _pausedRunsCount = 0;
            LastRestoredEnvelope = null;
            LastRestoredSnapshotId = null;
            LastRestoreIncludeHistory = false;
            RestoreCount = 0;
            _restoredRows.Clear();
            ClearAdmin();
            ClearData();
        }
    }
}
