using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Http;
using Loomcycle.FakeServer.Routing;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Loomcycle.FakeServer;

/// <summary>
/// The single request delegate: buffer and record the request, apply a one-shot override if one matches,
/// otherwise route like Go's ServeMux (redirect / 404 / 405), check the bearer, run the handler, and turn an
/// unexpected exception into the server's panic-recovery reply.
/// </summary>
internal sealed class RequestPipeline
{
    private readonly FakeLoomcycleServer _server;

    public RequestPipeline(FakeLoomcycleServer server) => _server = server;

    public async Task InvokeAsync(HttpContext ctx)
    {
        long seq = _server.NextRequestSeq();
        ctx.Items[FakeLoomcycleServer.ContextKey] = _server;
        string rawTarget = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (ctx.Request.Path + ctx.Request.QueryString);
        DateTimeOffset receivedAt = DateTimeOffset.UtcNow;

        byte[] body;
        bool streamed = Routes.StreamedRestore.TryClaim(ctx, _server.Options);
        try
        {
            body = streamed ? Array.Empty<byte>() : await ReadBodyAsync(ctx).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException || ctx.RequestAborted.IsCancellationRequested || ex.GetType().Name == "BadHttpRequestException")
        {
            _server.Record(seq, Recorded(ctx, rawTarget, Array.Empty<byte>(), receivedAt));
            return;
        }
        ctx.Items[typeof(byte[])] = body;
        if (!streamed) ctx.Request.Body = new MemoryStream(body, writable: false);
        _server.Record(seq, Recorded(ctx, rawTarget, body, receivedAt));

        long started = System.Diagnostics.Stopwatch.GetTimestamp(); // handler time: from the body read to the handler's return
        try
        {
            string rawPath = PathText.RawPath(rawTarget, ctx.Request.Path.Value ?? "/");
            Func<HttpContext, Task>? handler = _server.TakeOverride(ctx.Request.Method, ctx.Request.Path.Value ?? "/", rawPath);
            if (handler is not null) await handler(ctx).ConfigureAwait(false);
            else await RouteAsync(ctx).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsClientGoneOrShutdown(ctx, ex))
        {
            // Nothing to answer: the client left or the server is stopping.
        }
        catch (Exception ex)
        {
            _server.ReportException(ex);
            await PanicAsync(ctx).ConfigureAwait(false);
        }
        finally
        {
            _server.AddHandlerTime(System.Diagnostics.Stopwatch.GetTimestamp() - started);
        }
    }

    /// <summary>The normal route (no override): used by the pipeline and by <see cref="Faults.Delayed"/>.</summary>
    internal async Task RouteAsync(HttpContext ctx)
    {
        string rawTarget = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (ctx.Request.Path + ctx.Request.QueryString);
        string rawPath = PathText.RawPath(rawTarget, ctx.Request.Path.Value ?? "/");
        int q = rawTarget.IndexOf('?');
        string rawQuery = q >= 0 ? rawTarget[q..] : "";
        RouteResult result = _server.Router.Resolve(ctx.Request.Method, rawPath, rawQuery);
        switch (result)
        {
            case RouteResult.Redirect r:
                await RedirectAsync(ctx, r.Location).ConfigureAwait(false);
                return;
            case RouteResult.MethodNotAllowed m:
                await ErrorBodies.MethodNotAllowedAsync(ctx, m.Allow).ConfigureAwait(false);
                return;
            case RouteResult.Matched match:
                if (match.Route.RequiresAuth && !BearerAuth.IsAuthorized(ctx, _server.Options))
                {
                    await ErrorBodies.PlainAsync(ctx, 401, "unauthorized").ConfigureAwait(false);
                    return;
                }
                byte[] body = ctx.Items.TryGetValue(typeof(byte[]), out object? b) && b is byte[] bytes ? bytes : Array.Empty<byte>();
                await match.Route.Handler(new RequestContext(ctx, _server, match.Values, body)).ConfigureAwait(false);
                return;
            default:
                await ErrorBodies.NotFoundPageAsync(ctx).ConfigureAwait(false);
                return;
        }
    }

    private static async Task RedirectAsync(HttpContext ctx, string location)
    {
        ctx.Response.Headers.Location = location;
        if (HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsHead(ctx.Request.Method))
        {
            string html = "<a href=\"" + System.Net.WebUtility.HtmlEncode(location) + "\">Moved Permanently</a>.\n\n";
            await Responses.WriteAsync(ctx, 301, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(html)).ConfigureAwait(false);
        }
        else
        {
            await Responses.WriteAsync(ctx, 301, null, Array.Empty<byte>()).ConfigureAwait(false);
        }
    }

    private async Task PanicAsync(HttpContext ctx)
    {
        try
        {
            if (!ctx.Response.HasStarted)
            {
                ctx.Response.Clear();
                await ErrorBodies.PanicAsync(ctx).ConfigureAwait(false);
            }
            else
            {
                // After an SSE stream started the status cannot change: append the raw body and drop the connection.
                await ctx.Response.Body.WriteAsync(Encoding.ASCII.GetBytes(ErrorBodies.PanicBody), ctx.RequestAborted).ConfigureAwait(false);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
                ctx.Abort();
            }
        }
        catch
        {
            ctx.Abort();
        }
    }

    private bool IsClientGoneOrShutdown(HttpContext ctx, Exception ex)
    {
        if (!(ctx.RequestAborted.IsCancellationRequested || _server.ShutdownToken.IsCancellationRequested)) return false;
        return ex is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException
            || ex.GetType().Name is "ConnectionResetException" or "ConnectionAbortedException";
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext ctx)
    {
        long? length = ctx.Request.ContentLength;
        if (length == 0) return Array.Empty<byte>();
        using var ms = length is > 0 and < int.MaxValue ? new MemoryStream((int)length.Value) : new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted).ConfigureAwait(false);
        return ms.Length == ms.Capacity ? ms.GetBuffer() : ms.ToArray();
    }

    private static RecordedRequest Recorded(HttpContext ctx, string rawTarget, byte[] body, DateTimeOffset receivedAt)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in ctx.Request.Headers) headers[h.Key] = h.Value.ToString();
        string? connectionId = ctx.Features.Get<IConnectionIdFeature>()?.ConnectionId ?? ctx.Connection.Id;
        return new RecordedRequest(
            ctx.Request.Method,
            rawTarget,
            (ctx.Request.PathBase + ctx.Request.Path).Value ?? "",
            ctx.Request.QueryString.Value ?? "",
            headers,
            body,
            ctx.Request.ContentType)
        {
            ReceivedAt = receivedAt,
            ConnectionId = connectionId ?? "",
        };
    }
}
