using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;

namespace Loomcycle.FakeServer;

/// <summary>
/// A detached interactive run (POST /v1/runs with <c>interactive:true</c>). Its loop persists every event in the
/// session transcript (streams only tail the store, as the real server's do) and parks at <c>awaiting_input</c>
/// after each turn. A turn echoes its input; the input <c>hold</c> holds the turn until
/// <see cref="FakeLoomcycleServer.ReleaseHeld"/> or a turn cancel; <c>/end</c> ends the run (done, completed).
/// </summary>
public sealed class InteractiveRun
{
    private readonly FakeLoomcycleServer _server;
    private readonly Queue<string> _inputs = new();
    private readonly SemaphoreSlim _inputSignal = new(0);
    private readonly CancellationTokenSource _runCts;
    private CancellationTokenSource? _turnCts;
    private string? _turnCancelReason;
    private TaskCompletionSource _parked = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal InteractiveRun(FakeLoomcycleServer server, AgentRecord record, SessionRecord session, string firstInput)
    {
        _server = server;
        Record = record;
        Session = session;
        _runCts = CancellationTokenSource.CreateLinkedTokenSource(server.ShutdownToken);
        _inputs.Enqueue(firstInput);
    }

    public AgentRecord Record { get; }
    public SessionRecord Session { get; }

    /// <summary>True while the run waits at awaiting_input.</summary>
    public bool Parked { get; private set; }

    /// <summary>Turns started so far.</summary>
    public int Turn { get; private set; }

    /// <summary>True once the loop ended (the run is terminal).</summary>
    public bool Ended { get; private set; }

    /// <summary>Every input the run received, the opening prompt first.</summary>
    public List<string> Received { get; } = new();

    internal enum InputOutcome { Delivered, QueueFull }

    internal InputOutcome Enqueue(string text)
    {
        lock (_inputs)
        {
            if (_inputs.Count >= _server.Options.InteractiveInputCapacity) return InputOutcome.QueueFull;
            _inputs.Enqueue(text);
        }
        _inputSignal.Release();
        return InputOutcome.Delivered;
    }

    /// <summary>Stops the current turn; false when the run is parked (no turn in progress).</summary>
    internal async Task<bool> CancelTurnAsync(string reason)
    {
        Task parkedAgain;
        lock (_inputs)
        {
            if (Parked || _turnCts is null) return false;
            _turnCancelReason = reason;
            parkedAgain = _parked.Task;
            try { _turnCts.Cancel(); } catch (ObjectDisposedException) { }
        }
        await parkedAgain.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        return true;
    }

    /// <summary>The whole-run cancel (POST /v1/agents/{id}/cancel).</summary>
    internal void CancelRun()
    {
        try { _runCts.Cancel(); } catch (ObjectDisposedException) { }
    }

    /// <summary>Rows that count as messages for compaction (each turn's input and reply).</summary>
    internal int Messages => Session.Events.Count(e => e.RunId == Record.RunId && (e.Type == "user_input" || e.Type == "usage"));

    internal async Task LoopAsync()
    {
        _server.OnStreamOpened();
        try
        {
            CancellationToken runToken = _runCts.Token;
            bool first = true;
            while (!runToken.IsCancellationRequested)
            {
                string input;
                if (first)
                {
                    lock (_inputs) input = _inputs.Dequeue();
                }
                else
                {
                    input = await NextInputAsync(runToken).ConfigureAwait(false);
                }

                Received.Add(input);
                Append("user_input", new JsonObject { ["type"] = "user_input" }, Segments(input));
                lock (_inputs)
                {
                    Turn++;
                    Parked = false;
                    _turnCts = CancellationTokenSource.CreateLinkedTokenSource(runToken);
                }

                if (first) Append("started", Frames.Started());
                first = false;
                if (input.Trim() == "/end")
                {
                    Append("done", Frames.Done(GoJson.Usage(0, 0, "fake-interactive", true), "end_turn"));
                    _server.State.SetRunStatus(Record, "completed", "end_turn");
                    return;
                }

                try
                {
                    await TurnAsync(input, _turnCts.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!runToken.IsCancellationRequested)
                {
                    var cancelled = new JsonObject { ["since_turn"] = Turn };
                    if (!string.IsNullOrEmpty(_turnCancelReason)) cancelled["reason"] = _turnCancelReason;
                    Append("turn_cancelled", new JsonObject { ["type"] = "turn_cancelled", ["turn_cancelled"] = cancelled });
                }

                TaskCompletionSource parked;
                lock (_inputs)
                {
                    _turnCts.Dispose();
                    _turnCts = null;
                    Append("awaiting_input", new JsonObject { ["type"] = "awaiting_input", ["awaiting_input"] = new JsonObject { ["since_turn"] = Turn } });
                    Parked = true;
                    parked = _parked;
                    _parked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                parked.TrySetResult();
            }
        }
        catch (OperationCanceledException)
        {
            // The whole run was cancelled (the cancel API already recorded it) or the server is shutting down.
        }
        finally
        {
            lock (_server.State.SyncRoot) Record.CancelHandler = null;
            if (!Record.IsTerminal)
                _server.State.SetRunStatus(Record, "cancelled", "server shutting down");
            lock (_server.State.SyncRoot) Record.Live = false;
            Ended = true;
            _server.State.UnlockSession(Session);
            _server.State.NotifyAppended(Session);
            _server.OnStreamClosed();
        }
    }

    private async Task TurnAsync(string input, CancellationToken token)
    {
        if (input.Trim() == "hold")
        {
            Append("text", Frames.Text("holding"));
            await _server.HoldGate.WaitAsync(token).ConfigureAwait(false);
        }
        token.ThrowIfCancellationRequested();
        Append("text", Frames.Text("echo: "));
        Append("text", Frames.Text(input));
        lock (_server.State.SyncRoot)
        {
            Record.InputTokens += 2;
            Record.OutputTokens += 2;
            Record.Model = "fake-interactive";
        }
        Append("usage", Frames.Usage(GoJson.Usage(2, 2, "fake-interactive", true)));
    }

    private async Task<string> NextInputAsync(CancellationToken token)
    {
        while (true)
        {
            lock (_inputs)
            {
                if (_inputs.Count > 0) return _inputs.Dequeue();
            }
            await _inputSignal.WaitAsync(token).ConfigureAwait(false);
        }
    }

    private void Append(string type, JsonObject payload, byte[]? sidecar = null)
    {
        _server.State.AppendTranscript(Session, Record.RunId, type, GoJson.Serialize(payload), sidecar);
        lock (_server.State.SyncRoot) Record.LastHeartbeatAt = DateTimeOffset.UtcNow;
        _server.State.NotifyAppended(Session);
    }

    internal static byte[] Segments(string text) => GoJson.Serialize(new JsonArray
    {
        new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray { new JsonObject { ["type"] = "trusted-text", ["text"] = text } },
        },
    });
}
