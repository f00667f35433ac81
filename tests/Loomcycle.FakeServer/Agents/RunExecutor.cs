using System;
using System.IO;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;
using Microsoft.AspNetCore.Http;

namespace Loomcycle.FakeServer;

/// <summary>Everything a streaming run needs once admission has passed.</summary>
internal sealed record RunPlan(
    AgentRecord Record,
    SessionRecord? Session,
    IFakeAgent Agent,
    string InputText,
    byte[] SegmentsJson,
    string[]? ToolFilter,
    JsonNode? ParentContext,
    bool SendSessionFrame,
    bool Persist);

/// <summary>
/// Runs one SSE stream: session and agent frames, the fake agent, and the bookkeeping afterwards
/// (final status, cancel registry, session lock, disconnect counting).
/// </summary>
internal static class RunExecutor
{
    public static async Task ExecuteAsync(HttpContext ctx, FakeLoomcycleServer server, RunPlan plan)
    {
        FakeState state = server.State;
        AgentRecord record = plan.Record;
        using var streamCts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, server.ShutdownToken);
        using var runCts = CancellationTokenSource.CreateLinkedTokenSource(streamCts.Token);
        int apiCancelled = 0;
        record.CancelHandler = () =>
        {
            Interlocked.Exchange(ref apiCancelled, 1);
            try { runCts.Cancel(); } catch (ObjectDisposedException) { }
        };

        var writer = new SseWriter(ctx, streamCts.Token, server.Options.KeepaliveInterval);
        var run = new AgentRunContext(server, writer, record, plan.Session, plan.Persist, plan.InputText, plan.ToolFilter, runCts.Token);
        Exception? agentFault = null;
        bool clientGone = false;
        bool apiCancelledWhileStreaming = false;
        server.OnStreamOpened();
        try
        {
            await writer.StartAsync().ConfigureAwait(false);
            if (plan.SendSessionFrame)
                await run.WriteAsync("session", GoJson.Serialize(new JsonObject { ["type"] = "session", ["text"] = record.SessionId }), persist: false).ConfigureAwait(false);
            var agentFrame = new JsonObject
            {
                ["agent_id"] = record.AgentId,
                ["run_id"] = plan.Persist ? record.RunId : "",
                ["session_id"] = plan.Persist ? record.SessionId : "",
                ["parent_agent_id"] = record.ParentAgentId,
            };
            if (server.Options.NewServer) agentFrame["parent_context"] = plan.ParentContext?.DeepClone();
            await run.WriteAsync("agent", GoJson.Serialize(agentFrame), persist: false).ConfigureAwait(false);
            if (plan.Persist && plan.Session is not null)
                state.AppendTranscript(plan.Session, record.RunId, "user_input", GoJson.Serialize(new JsonObject { ["type"] = "user_input" }),
                    server.Options.NewServer ? plan.SegmentsJson : null);

            await plan.Agent.RunAsync(run).ConfigureAwait(false);
        }
        catch (Exception ex) when (Volatile.Read(ref apiCancelled) == 1 && !streamCts.IsCancellationRequested && IsCancellation(ex))
        {
            apiCancelledWhileStreaming = true;
        }
        catch (Exception ex) when (streamCts.IsCancellationRequested || ctx.RequestAborted.IsCancellationRequested || IsTransport(ex))
        {
            clientGone = ctx.RequestAborted.IsCancellationRequested && !server.ShutdownToken.IsCancellationRequested;
        }
        catch (Exception ex)
        {
            agentFault = ex;
        }

        if (apiCancelledWhileStreaming)
        {
            // The loop's error frame, then the handler's error frame, both "context canceled"; no done.
            try
            {
                await run.WriteAsync("error", GoJson.Serialize(Frames.Error("context canceled")), persist: true).ConfigureAwait(false);
                await run.WriteAsync("error", GoJson.Serialize(Frames.Error("context canceled")), persist: false).ConfigureAwait(false);
            }
            catch (Exception)
            {
                clientGone = ctx.RequestAborted.IsCancellationRequested && !server.ShutdownToken.IsCancellationRequested;
            }
        }

        await writer.DisposeAsync().ConfigureAwait(false);
        if (Finish(server, record, run, clientGone, agentFault)) state.RunStates.Publish(record);
        if (plan.Session is not null) state.UnlockSession(plan.Session);
        server.OnStreamClosed();
        if (clientGone) server.NotifyStreamAbortedByClient();
        if (agentFault is not null) throw agentFault;
    }

    private static bool Finish(FakeLoomcycleServer server, AgentRecord record, AgentRunContext run, bool clientGone, Exception? fault)
    {
        lock (server.State.SyncRoot)
        {
            record.CancelHandler = null;
            record.Live = false;
            if (record.IsTerminal) return false; // cancelled through the API: already recorded
            record.CompletedAt = DateTimeOffset.UtcNow;
            if (fault is not null)
            {
                record.Status = "failed";
                record.Error = "internal server error";
            }
            else if (clientGone && !run.DoneSent)
            {
                if (server.Options.NewServer)
                {
                    record.Status = "cancelled";
                    record.StopReason = "client disconnected";
                }
                else
                {
                    record.Status = "failed";
                    record.Error = "context canceled";
                }
            }
            else if (server.ShutdownToken.IsCancellationRequested && !run.DoneSent)
            {
                record.Status = "cancelled";
                record.StopReason = "server shutting down";
            }
            else if (run.DoneSent)
            {
                record.Status = "completed";
                record.StopReason = run.StopReason;
            }
            else if (run.LastError is not null)
            {
                record.Status = "failed";
                record.Error = run.LastError;
            }
            else
            {
                record.Status = "completed";
            }
        }
        return true;
    }

    private static bool IsCancellation(Exception ex) => ex is OperationCanceledException;

    private static bool IsTransport(Exception ex) =>
        ex is IOException || ex is ObjectDisposedException ||
        ex.GetType().Name is "ConnectionResetException" or "ConnectionAbortedException" or "BadHttpRequestException";
}
