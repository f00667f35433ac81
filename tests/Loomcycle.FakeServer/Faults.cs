using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Loomcycle.FakeServer;

/// <summary>
/// Ready-made handlers for <see cref="FakeLoomcycleServer.Enqueue"/>: the server's error shapes, hostile or
/// broken SSE streams, proxy pages, redirects and connection resets.
/// </summary>
public static class Faults
{
    private const int Chunk = 64 * 1024;

    /// <summary>Builds one well-formed SSE frame: <c>event: name\ndata: json\n\n</c>.</summary>
    public static string Frame(string eventName, string json) => "event: " + eventName + "\ndata: " + json + "\n\n";

    /// <summary>Go <c>http.Error</c>: text/plain; charset=utf-8, X-Content-Type-Options: nosniff, body message + "\n".</summary>
    public static Func<HttpContext, Task> PlainText(int status, string message) =>
        ctx => ErrorBodies.PlainAsync(ctx, status, message);

    /// <summary><c>{"code":..,"error":..}</c> (+ the properties of <paramref name="extra"/>) as application/json with a
    /// trailing newline, plus optional response headers.</summary>
    public static Func<HttpContext, Task> Json(int status, string code, string error, object? extra = null, IDictionary<string, string>? headers = null) =>
        ctx =>
        {
            var body = new JsonObject { ["code"] = code, ["error"] = error };
            if (extra is not null && JsonSerializer.SerializeToNode(extra) is JsonObject more)
                foreach (var kv in more.ToList())
                {
                    more.Remove(kv.Key);
                    body[kv.Key] = kv.Value;
                }
            if (headers is not null)
                foreach (var h in headers) ctx.Response.Headers[h.Key] = h.Value;
            return Responses.WriteAsync(ctx, status, "application/json", GoJson.SerializeLine(body));
        };

    /// <summary>Panic recovery: 500 <c>{"error":"internal server error"}</c> with no code.</summary>
    public static Func<HttpContext, Task> Panic() => ErrorBodies.PanicAsync;

    /// <summary>A JSON error with a <c>Retry-After</c> header (e.g. 429 per_user_quota_exhausted, "5").</summary>
    public static Func<HttpContext, Task> RetryAfter(int status, string code, string retryAfterHeaderValue) =>
        Json(status, code, code.Replace('_', ' '), null, new Dictionary<string, string> { ["Retry-After"] = retryAfterHeaderValue });

    /// <summary>Any status with any body.</summary>
    public static Func<HttpContext, Task> Status(int status, string? contentType = null, string body = "") =>
        ctx => Responses.WriteAsync(ctx, status, contentType, Encoding.UTF8.GetBytes(body));

    /// <summary>200 SSE with the real headers and no frames at all (the response ends at once).</summary>
    public static Func<HttpContext, Task> RawSse() => RawSse(Array.Empty<string>());

    /// <summary>200 SSE with the real headers; each chunk is written and flushed separately, then the response ends.</summary>
    public static Func<HttpContext, Task> RawSse(params string[] chunks) =>
        RawSse(chunks.Select(c => (Encoding.UTF8.GetBytes(c), TimeSpan.Zero)));

    /// <summary>As <see cref="RawSse(string[])"/>, waiting <c>delayBefore</c> before each chunk.</summary>
    public static Func<HttpContext, Task> RawSse(IEnumerable<(string chunk, TimeSpan delayBefore)> chunks) =>
        RawSse(chunks.Select(c => (Encoding.UTF8.GetBytes(c.chunk), c.delayBefore)));

    /// <summary>Byte chunks (e.g. invalid UTF-8), written and flushed one by one.</summary>
    public static Func<HttpContext, Task> RawSse(params byte[][] chunks) =>
        RawSse(chunks.Select(c => (c, TimeSpan.Zero)));

    public static Func<HttpContext, Task> RawSse(IEnumerable<(byte[] chunk, TimeSpan delayBefore)> chunks)
    {
        var list = chunks.ToList();
        return async ctx =>
        {
            using var scope = new StreamScope(ctx);
            await StartSseAsync(ctx, scope.Token).ConfigureAwait(false);
            await scope.GuardAsync(async () =>
            {
                foreach (var (chunk, delay) in list)
                {
                    if (delay > TimeSpan.Zero) await Task.Delay(delay, scope.Token).ConfigureAwait(false);
                    await WriteFlushAsync(ctx, chunk, scope.Token).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        };
    }

    /// <summary>SSE chunks, then the TCP connection is dropped (no terminating chunk): a stream cut mid-flight.</summary>
    /// <remarks>
    /// The whole response (status line, headers, one HTTP chunk per SSE chunk) is written straight to the connection's
    /// socket, then the socket is shut down. A socket write returns once the kernel holds the bytes, and a shutdown
    /// delivers them before the FIN, so the client always reads every chunk before the cut, with no wait on either side.
    /// (Written through Kestrel, an abort could overtake bytes still queued in its output pipe.) Over TLS, where the raw
    /// socket cannot be written, the chunks go through Kestrel and the cut waits for the client to read them.
    /// </remarks>
    public static Func<HttpContext, Task> RawSseThenReset(params string[] chunks) => async ctx =>
    {
        System.Net.Sockets.Socket? socket = ctx.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionSocketFeature>()?.Socket;
        if (socket is null || ctx.Request.IsHttps)
        {
            await RawSse(chunks)(ctx).ConfigureAwait(false);
            try { await Task.Delay(300).ConfigureAwait(false); } catch { }
            ctx.Abort();
            return;
        }

        var head = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\nX-Accel-Buffering: no\r\nTransfer-Encoding: chunked\r\n\r\n");
        Send(socket, Encoding.ASCII.GetBytes(head.ToString()));
        foreach (string chunk in chunks)
        {
            byte[] data = Encoding.UTF8.GetBytes(chunk);
            Send(socket, Encoding.ASCII.GetBytes(data.Length.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + "\r\n"));
            Send(socket, data);
            Send(socket, Encoding.ASCII.GetBytes("\r\n"));
        }

        try { socket.Shutdown(System.Net.Sockets.SocketShutdown.Send); } catch (System.Net.Sockets.SocketException) { }
        ctx.Abort(); // Kestrel forgets the request: it has written nothing on this connection
    };

    private static void Send(System.Net.Sockets.Socket socket, byte[] bytes)
    {
        int sent = 0;
        while (sent < bytes.Length) sent += socket.Send(bytes, sent, bytes.Length - sent, System.Net.Sockets.SocketFlags.None);
    }

    /// <summary>Writes <paramref name="framesFirst"/> (each flushed), then keeps the stream open until
    /// <paramref name="release"/> completes (the response then ends) or the client disconnects.</summary>
    public static Func<HttpContext, Task> HoldOpen(string[] framesFirst, Task release) => async ctx =>
    {
        using var scope = new StreamScope(ctx);
        await StartSseAsync(ctx, scope.Token).ConfigureAwait(false);
        await scope.GuardAsync(async () =>
        {
            foreach (string f in framesFirst) await WriteFlushAsync(ctx, Encoding.UTF8.GetBytes(f), scope.Token).ConfigureAwait(false);
            await release.WaitAsync(scope.Token).ConfigureAwait(false);
        }).ConfigureAwait(false);
    };

    /// <summary>200 SSE that writes <c>data: xxxx…</c> with no newline, forever, in 64 KiB chunks until the client leaves.</summary>
    public static Func<HttpContext, Task> EndlessLine() => async ctx =>
    {
        using var scope = new StreamScope(ctx);
        await StartSseAsync(ctx, scope.Token).ConfigureAwait(false);
        byte[] block = new byte[Chunk];
        block.AsSpan().Fill((byte)'x');
        await scope.GuardAsync(async () =>
        {
            await WriteFlushAsync(ctx, Encoding.ASCII.GetBytes("data: "), scope.Token).ConfigureAwait(false);
            while (true) await WriteFlushAsync(ctx, block, scope.Token).ConfigureAwait(false);
        }).ConfigureAwait(false);
    };

    /// <summary>200 SSE headers flushed, then nothing (no keepalive) until the client disconnects.</summary>
    public static Func<HttpContext, Task> Silent() => async ctx =>
    {
        using var scope = new StreamScope(ctx);
        await StartSseAsync(ctx, scope.Token).ConfigureAwait(false);
        await scope.GuardAsync(() => Task.Delay(Timeout.Infinite, scope.Token)).ConfigureAwait(false);
    };

    /// <summary>A reverse proxy's HTML error page (text/html).</summary>
    public static Func<HttpContext, Task> Html(int status) => ctx =>
    {
        string phrase = ReasonPhrase(status);
        string html = $"<html>\r\n<head><title>{status} {phrase}</title></head>\r\n<body>\r\n<center><h1>{status} {phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
        return Responses.WriteAsync(ctx, status, "text/html", Encoding.ASCII.GetBytes(html));
    };

    /// <summary>A text/plain body of <paramref name="bytes"/> bytes, streamed in 64 KiB chunks (never buffered).
    /// Content-Length is sent unless <paramref name="chunked"/>.</summary>
    public static Func<HttpContext, Task> HugeBody(int status, long bytes, bool chunked = false) => async ctx =>
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        if (!chunked) ctx.Response.ContentLength = bytes;
        ctx.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        byte[] pattern = Encoding.ASCII.GetBytes("huge error body ");
        byte[] block = new byte[Chunk];
        for (int i = 0; i < block.Length; i++) block[i] = pattern[i % pattern.Length];
        long written = 0;
        using var scope = new StreamScope(ctx);
        try
        {
            while (written < bytes)
            {
                int n = (int)Math.Min(block.Length, bytes - written);
                await ctx.Response.Body.WriteAsync(block.AsMemory(0, n), scope.Token).ConfigureAwait(false);
                written += n;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && scope.Token.IsCancellationRequested) { }
    };

    /// <summary>200 <c>application/json</c> on an SSE route.</summary>
    public static Func<HttpContext, Task> WrongContentType() => ctx =>
        Responses.WriteAsync(ctx, 200, "application/json", Encoding.ASCII.GetBytes("{\"ok\":true}\n"));

    /// <summary>A redirect (default 302) with an empty body.</summary>
    public static Func<HttpContext, Task> Redirect(string location, int status = 302) => ctx =>
    {
        ctx.Response.Headers.Location = location;
        return Responses.WriteAsync(ctx, status, null, Array.Empty<byte>());
    };

    /// <summary>Aborts the connection without any response.</summary>
    public static Func<HttpContext, Task> ResetConnection() => ctx =>
    {
        ctx.Abort();
        return Task.CompletedTask;
    };

    /// <summary>Waits <paramref name="delay"/> before answering (e.g. a run queued behind the semaphore), then runs
    /// <paramref name="then"/>, or the normal route when it is null.</summary>
    public static Func<HttpContext, Task> Delayed(TimeSpan delay, Func<HttpContext, Task>? then = null) => async ctx =>
    {
        FakeLoomcycleServer? server = FakeLoomcycleServer.FromContext(ctx);
        using var cts = server is null
            ? CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted)
            : CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, server.ShutdownToken);
        await Task.Delay(delay, cts.Token).ConfigureAwait(false);
        if (then is not null) await then(ctx).ConfigureAwait(false);
        else if (server is not null) await server.Pipeline.RouteAsync(ctx).ConfigureAwait(false);
    };

    private static async Task StartSseAsync(HttpContext ctx, CancellationToken token)
    {
        SseWriter.ApplyHeaders(ctx.Response);
        ctx.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await ctx.Response.StartAsync(token).ConfigureAwait(false);
        await ctx.Response.Body.FlushAsync(token).ConfigureAwait(false);
    }

    private static async Task WriteFlushAsync(HttpContext ctx, ReadOnlyMemory<byte> bytes, CancellationToken token)
    {
        await ctx.Response.Body.WriteAsync(bytes, token).ConfigureAwait(false);
        await ctx.Response.Body.FlushAsync(token).ConfigureAwait(false);
    }

    private static string ReasonPhrase(int status) => status switch
    {
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Temporarily Unavailable",
        504 => "Gateway Time-out",
        _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
    };

    /// <summary>Links the client and server-shutdown tokens, and counts a client disconnect as a stream abort.</summary>
    private sealed class StreamScope : IDisposable
    {
        private readonly HttpContext _ctx;
        private readonly FakeLoomcycleServer? _server;
        private readonly CancellationTokenSource _cts;

        public StreamScope(HttpContext ctx)
        {
            _ctx = ctx;
            _server = FakeLoomcycleServer.FromContext(ctx);
            _cts = _server is null
                ? CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted)
                : CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _server.ShutdownToken);
        }

        public CancellationToken Token => _cts.Token;

        public async Task GuardAsync(Func<Task> body)
        {
            try
            {
                await body().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException || _cts.IsCancellationRequested)
            {
                if (_ctx.RequestAborted.IsCancellationRequested && _server is not null && !_server.ShutdownToken.IsCancellationRequested)
                    _server.NotifyStreamAbortedByClient();
            }
        }

        public void Dispose() => _cts.Dispose();
    }
}
