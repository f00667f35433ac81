using System;
using System.Buffers;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Loomcycle.FakeServer;

/// <summary>
/// Writes an SSE response the way the server's sse.go does: the four headers flushed at once, frames
/// <c>event: name\ndata: json\n\n</c> flushed one by one, and a <c>: keepalive\n\n</c> comment on its own timer.
/// Every write goes through one semaphore, so keepalives never land inside a frame.
/// </summary>
internal sealed class SseWriter : IAsyncDisposable
{
    private static readonly byte[] KeepaliveBytes = Encoding.ASCII.GetBytes(": keepalive\n\n");
    private static readonly byte[] EventPrefix = Encoding.ASCII.GetBytes("event: ");
    private static readonly byte[] DataPrefix = Encoding.ASCII.GetBytes("\ndata: ");
    private static readonly byte[] FrameEnd = Encoding.ASCII.GetBytes("\n\n");

    private readonly HttpContext _ctx;
    private readonly CancellationToken _token;
    private readonly TimeSpan _keepalive;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _keepaliveCts;
    private Task? _keepaliveTask;
    private int _disposed;

    /// <param name="token">Cancels writes: the client went away or the server is shutting down.</param>
    public SseWriter(HttpContext ctx, CancellationToken token, TimeSpan keepalive)
    {
        _ctx = ctx;
        _token = token;
        _keepalive = keepalive;
        _keepaliveCts = CancellationTokenSource.CreateLinkedTokenSource(token);
    }

    /// <summary>Number of keepalive comments written.</summary>
    public int KeepalivesSent;

    /// <summary>The real server's SSE response headers.</summary>
    public static void ApplyHeaders(HttpResponse response)
    {
        response.StatusCode = 200;
        response.Headers.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers.Connection = "keep-alive";
        response.Headers["X-Accel-Buffering"] = "no";
    }

    /// <summary>Sends status and headers, flushes, and starts the keepalive timer.</summary>
    public async Task StartAsync()
    {
        ApplyHeaders(_ctx.Response);
        _ctx.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await _ctx.Response.StartAsync(_token).ConfigureAwait(false);
        await _ctx.Response.Body.FlushAsync(_token).ConfigureAwait(false);
        if (_keepalive > TimeSpan.Zero) _keepaliveTask = KeepaliveLoopAsync();
    }

    public Task WriteFrameAsync(string eventName, ReadOnlySpan<byte> json)
    {
        int nameLen = Encoding.UTF8.GetByteCount(eventName);
        byte[] frame = new byte[EventPrefix.Length + nameLen + DataPrefix.Length + json.Length + FrameEnd.Length];
        int o = 0;
        EventPrefix.CopyTo(frame, o); o += EventPrefix.Length;
        o += Encoding.UTF8.GetBytes(eventName, frame.AsSpan(o));
        DataPrefix.CopyTo(frame, o); o += DataPrefix.Length;
        json.CopyTo(frame.AsSpan(o)); o += json.Length;
        FrameEnd.CopyTo(frame, o);
        return WriteRawAsync(frame);
    }

    /// <summary>Writes bytes as one unit and flushes.</summary>
    public async Task WriteRawAsync(ReadOnlyMemory<byte> bytes)
    {
        await _gate.WaitAsync(_token).ConfigureAwait(false);
        try
        {
            await _ctx.Response.Body.WriteAsync(bytes, _token).ConfigureAwait(false);
            await _ctx.Response.Body.FlushAsync(_token).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task KeepaliveLoopAsync()
    {
        CancellationToken ct = _keepaliveCts.Token;
        try
        {
            using var timer = new PeriodicTimer(_keepalive);
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                await WriteRawAsync(KeepaliveBytes).ConfigureAwait(false);
                Interlocked.Increment(ref KeepalivesSent);
                FakeLoomcycleServer.FromContext(_ctx)?.OnKeepaliveSent();
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
        catch (InvalidOperationException) { }
    }

    /// <summary>Stops the keepalive timer (waits for an in-flight keepalive to finish).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _keepaliveCts.Cancel();
        if (_keepaliveTask is not null)
        {
            try { await _keepaliveTask.ConfigureAwait(false); } catch { }
        }
        _keepaliveCts.Dispose();
    }
}
