using System;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;

namespace Loomcycle.FakeServer;

/// <summary>What a fake agent sees of its run: input, state, and the frame emitters.</summary>
public sealed partial class AgentRunContext
{
    private static readonly byte[] TextPrefix = Encoding.ASCII.GetBytes("{\"type\":\"text\",\"text\":\"");
    private static readonly byte[] TextSuffix = Encoding.ASCII.GetBytes("\"}");

    private readonly SseWriter _writer;
    private readonly FakeLoomcycleServer _server;

    internal AgentRunContext(FakeLoomcycleServer server, SseWriter writer, AgentRecord run, SessionRecord? session,
        bool persist, string inputText, string[]? toolFilter, CancellationToken cancellation)
    {
        _server = server;
        _writer = writer;
        Run = run;
        Session = session;
        Persist = persist;
        InputText = inputText;
        ToolFilter = toolFilter;
        Cancellation = cancellation;
    }

    /// <summary>The run row (live; the server finalises it when the stream ends).</summary>
    public AgentRecord Run { get; }

    /// <summary>The session the run belongs to (null without a store).</summary>
    public SessionRecord? Session { get; }

    /// <summary>The request's input: the last user segment's text (or NEW's <c>prompt</c> sugar).</summary>
    public string InputText { get; }

    /// <summary>The caller's tool narrowing: NEW's <c>tools</c> or OLD's <c>allowed_tools</c>; null = no narrowing.</summary>
    public string[]? ToolFilter { get; }

    /// <summary>Cancelled by the cancel API, by a client disconnect, or by server shutdown.</summary>
    public CancellationToken Cancellation { get; }

    public FakeServerOptions Options => _server.Options;
    public FakeState State => _server.State;
    public bool NewServer => _server.Options.NewServer;

    internal bool Persist { get; }
    internal bool DoneSent { get; private set; }
    internal string? StopReason { get; private set; }
    internal string? LastError { get; private set; }
    internal long TotalInput { get; private set; }
    internal long TotalOutput { get; private set; }
    internal string Model { get; set; } = "fake-model";

    /// <summary>True when the tool narrowing admits <paramref name="toolName"/> (exact or trailing-* glob).</summary>
    public bool IsToolAllowed(string toolName)
    {
        if (ToolFilter is null) return true;
        foreach (string pattern in ToolFilter)
        {
            if (pattern == toolName) return true;
            if (pattern.EndsWith('*') && toolName.StartsWith(pattern[..^1], StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>Emits one frame (persisted in the transcript unless <paramref name="persist"/> is false).</summary>
    public Task EmitAsync(string eventName, JsonObject payload, bool persist = true) =>
        EmitBytesAsync(eventName, GoJson.Serialize(payload), persist);

    /// <summary>Emits a frame whose data line is <paramref name="json"/> verbatim (must be one line).</summary>
    public Task EmitRawAsync(string eventName, string json, bool persist = true) =>
        EmitBytesAsync(eventName, Encoding.UTF8.GetBytes(json), persist);

    internal async Task EmitBytesAsync(string eventName, byte[] json, bool persist)
    {
        Cancellation.ThrowIfCancellationRequested();
        await WriteAsync(eventName, json, persist).ConfigureAwait(false);
    }

    /// <summary>Writes even after the run was cancelled (the closing error frames), but not after the client left.</summary>
    internal async Task WriteAsync(string eventName, byte[] json, bool persist)
    {
        if (persist && Persist && Session is not null) State.AppendTranscript(Session, Run.RunId, eventName, json);
        Run.LastHeartbeatAt = DateTimeOffset.UtcNow;
        await _writer.WriteFrameAsync(eventName, json).ConfigureAwait(false);
    }

    /// <summary>A <c>text</c> delta, after <see cref="FakeServerOptions.TextDeltaDelay"/>.</summary>
    public async Task EmitTextAsync(string text)
    {
        if (Options.TextDeltaDelay > TimeSpan.Zero) await DelayAsync(Options.TextDeltaDelay).ConfigureAwait(false);
        ReadOnlySpan<byte> escaped = GoJson.EncodeUtf8(text);
        byte[] json = new byte[TextPrefix.Length + escaped.Length + TextSuffix.Length];
        TextPrefix.CopyTo(json, 0);
        escaped.CopyTo(json.AsSpan(TextPrefix.Length));
        TextSuffix.CopyTo(json, TextPrefix.Length + escaped.Length);
        await EmitBytesAsync("text", json, persist: true).ConfigureAwait(false);
    }

    /// <summary>A per-iteration <c>usage</c> frame; also adds to the run's totals.</summary>
    public Task EmitUsageAsync(long inputTokens, long outputTokens)
    {
        TotalInput += inputTokens;
        TotalOutput += outputTokens;
        lock (State.SyncRoot)
        {
            Run.InputTokens += inputTokens;
            Run.OutputTokens += outputTokens;
            Run.Model = Model;
        }
        return EmitAsync("usage", Frames.Usage(GoJson.Usage(inputTokens, outputTokens, Model, NewServer)));
    }

    /// <summary>The final <c>done</c> frame with the run totals.</summary>
    public async Task EmitDoneAsync(string stopReason = "end_turn")
    {
        await EmitAsync("done", Frames.Done(GoJson.Usage(TotalInput, TotalOutput, Model, NewServer), stopReason)).ConfigureAwait(false);
        DoneSent = true;
        StopReason = stopReason;
    }

    /// <summary>An <c>error</c> frame; a run that ends without <c>done</c> after one is recorded as failed.</summary>
    public async Task EmitErrorAsync(string message)
    {
        LastError = message;
        await EmitAsync("error", Frames.Error(message)).ConfigureAwait(false);
    }

    /// <summary>Waits, ending early (with OperationCanceledException) when the run is cancelled.</summary>
    public Task DelayAsync(TimeSpan delay) => Task.Delay(delay, Cancellation);

    /// <summary>Waits for <see cref="FakeLoomcycleServer.ReleaseHeld"/> (or cancellation).</summary>
    public Task WaitForReleaseAsync() => _server.HoldGate.WaitAsync(Cancellation);
}
