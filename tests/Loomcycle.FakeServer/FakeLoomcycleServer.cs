using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Routes;
using Loomcycle.FakeServer.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Loomcycle.FakeServer;

/// <summary>
/// An in-process fake of the loomcycle HTTP+SSE server on 127.0.0.1, for tests and demos.
/// Every request is recorded; <see cref="Enqueue"/> injects one-shot faults.
/// </summary>
public sealed class FakeLoomcycleServer : IAsyncDisposable
{
    internal const string ContextKey = "Loomcycle.FakeServer";

    private readonly object _requestsLock = new();
    private readonly List<(long Seq, RecordedRequest Request)> _requests = new();
    private readonly List<Exception> _exceptions = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly StreamAbortTracker _aborts = new();
    private readonly OverrideQueue _overrides = new();
    private long _requestSeq;
    private int _connectionsOpened;
    private int _connectionsClosed;
    private int _openStreams;
    private int _keepalivesSent;
    private int _disposed;
    private WebApplication? _app;

    private FakeLoomcycleServer(FakeServerOptions options)
    {
        Options = options;
        Router = RouteTable.Build();
        Pipeline = new RequestPipeline(this);
    }

    /// <summary>Starts Kestrel on 127.0.0.1 (an ephemeral port unless <see cref="FakeServerOptions.Port"/> is set).</summary>
    public static async Task<FakeLoomcycleServer> StartAsync(FakeServerOptions? options = null)
    {
        var server = new FakeLoomcycleServer(options ?? new FakeServerOptions());
        try
        {
            await server.StartCoreAsync().ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return server;
    }

    /// <summary>The options the server runs with (mutating them while running is allowed for the simple flags).</summary>
    public FakeServerOptions Options { get; }

    /// <summary>The in-memory data; seed and inspect freely.</summary>
    public FakeState State { get; } = new();

    /// <summary>e.g. <c>http://127.0.0.1:54321/</c> (with trailing slash).</summary>
    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    public int Port => BaseUri.Port;

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>Every request in arrival order (a snapshot copy).</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (_requestsLock) return _requests.Select(r => r.Request).ToArray(); }
    }

    public void ClearRequests()
    {
        lock (_requestsLock) _requests.Clear();
    }

    /// <summary>
    /// Measurement hook (benchmarks): the summed time requests spent in the server's handlers, from the moment the
    /// request body was read to the handler's return (response written), and how many requests that covers.
    /// </summary>
    public TimeSpan HandlerTime => System.Diagnostics.Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _handlerTicks));

    /// <summary>Requests counted in <see cref="HandlerTime"/>.</summary>
    public long HandledRequests => Interlocked.Read(ref _handledRequests);

    /// <summary>Sets <see cref="HandlerTime"/> and <see cref="HandledRequests"/> back to zero.</summary>
    public void ResetHandlerTime()
    {
        Interlocked.Exchange(ref _handlerTicks, 0);
        Interlocked.Exchange(ref _handledRequests, 0);
    }

    private long _handlerTicks;
    private long _handledRequests;

    internal void AddHandlerTime(long ticks)
    {
        Interlocked.Add(ref _handlerTicks, ticks);
        Interlocked.Increment(ref _handledRequests);
    }

    /// <summary>TCP connections accepted so far.</summary>
    public int ConnectionsOpened => Volatile.Read(ref _connectionsOpened);

    /// <summary>TCP connections that have closed so far.</summary>
    public int ConnectionsClosed => Volatile.Read(ref _connectionsClosed);

    /// <summary>SSE streams (fake runs and stream faults) whose client went away before the server finished.</summary>
    public int StreamsAbortedByClient => _aborts.Count;

    /// <summary>SSE streams of fake runs currently open.</summary>
    public int OpenStreams => Volatile.Read(ref _openStreams);

    /// <summary>Streams currently parked in the <c>hold</c> agent.</summary>
    public int HeldCount => HoldGate.Waiting;

    /// <summary>Exceptions thrown by handlers (answered as a panic). Useful to assert the fake itself did not fail.</summary>
    public IReadOnlyList<Exception> HandlerExceptions
    {
        get { lock (_exceptions) return _exceptions.ToArray(); }
    }

    /// <summary>
    /// Awaits the next client stream abort. Each call claims one abort, so an abort that happened just before the
    /// call is not missed. Throws <see cref="TimeoutException"/>.
    /// </summary>
    public Task WaitForStreamAbortAsync(TimeSpan timeout) => _aborts.WaitNextAsync(timeout);

    /// <summary>Awaits until <see cref="StreamsAbortedByClient"/> reaches <paramref name="total"/>.</summary>
    public Task WaitForStreamAbortsAsync(int total, TimeSpan timeout) => _aborts.WaitForCountAsync(total, timeout);

    /// <summary>Awaits until at least <paramref name="count"/> streams are parked in the <c>hold</c> agent.</summary>
    public async Task WaitForHeldAsync(int count, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (HeldCount < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{HeldCount} of {count} held streams within {timeout}");
            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    /// <summary><c>: keepalive</c> comments the fake runs' streams have written (flushed) so far.</summary>
    public int KeepalivesSent => Volatile.Read(ref _keepalivesSent);

    /// <summary>Awaits until <see cref="KeepalivesSent"/> reaches <paramref name="total"/> (a keepalive-sent signal).</summary>
    public async Task WaitForKeepalivesAsync(int total, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (KeepalivesSent < total)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{KeepalivesSent} of {total} keepalives within {timeout}");
            await Task.Delay(5).ConfigureAwait(false);
        }
    }

    /// <summary>Releases every stream currently held by the <c>hold</c> agent.</summary>
    public void ReleaseHeld() => HoldGate.Release();

    /// <summary>One-shot override: the next request matching method and path is handled by <paramref name="handler"/>
    /// instead of the normal route (and before auth). FIFO. <paramref name="method"/> may be <c>*</c>; a path ending in
    /// <c>*</c> or <c>/</c> is a prefix, otherwise it must equal the request path (decoded or raw).</summary>
    public void Enqueue(string method, string pathPrefixOrExact, Func<HttpContext, Task> handler) =>
        _overrides.Enqueue(method, pathPrefixOrExact, handler);

    /// <summary>Overrides not consumed yet.</summary>
    public int PendingOverrides => _overrides.Count;

    public void ClearOverrides() => _overrides.Clear();

    /// <summary>Adds (or replaces) a scripted agent selectable by name.</summary>
    public void RegisterAgent(string name, IFakeAgent agent) => Catalog.Register(name, agent);

    /// <summary>Names of the known agents.</summary>
    public IReadOnlyCollection<string> AgentNames => Catalog.Names;

    internal Router Router { get; }
    internal RequestPipeline Pipeline { get; }
    internal FakeAgentCatalog Catalog { get; } = new();
    internal HoldGate HoldGate { get; } = new();
    internal CancellationToken ShutdownToken => _shutdown.Token;

    internal static FakeLoomcycleServer? FromContext(HttpContext ctx) =>
        ctx.Items.TryGetValue(ContextKey, out object? s) ? s as FakeLoomcycleServer : null;

    /// <summary>A token that fires when the client leaves or the server shuts down.</summary>
    internal CancellationTokenSource LinkRequest(HttpContext ctx) =>
        CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _shutdown.Token);

    internal long NextRequestSeq() => Interlocked.Increment(ref _requestSeq);

    internal void Record(long seq, RecordedRequest request)
    {
        lock (_requestsLock)
        {
            int i = _requests.Count;
            while (i > 0 && _requests[i - 1].Seq > seq) i--;
            _requests.Insert(i, (seq, request));
            if (Options.RequestLogPath is string log)
            {
                string line = System.Text.Json.JsonSerializer.Serialize(new { method = request.Method, target = request.RawTarget, body = request.BodyText, connection = request.ConnectionId });
                System.IO.File.AppendAllText(log, line + "\n");
            }
        }
    }

    internal Func<HttpContext, Task>? TakeOverride(string method, string decodedPath, string rawPath) =>
        _overrides.TryTake(method, decodedPath, rawPath);

    internal void ReportException(Exception ex)
    {
        lock (_exceptions) _exceptions.Add(ex);
    }

    internal void OnKeepaliveSent() => Interlocked.Increment(ref _keepalivesSent);
    internal void OnStreamOpened() => Interlocked.Increment(ref _openStreams);
    internal void OnStreamClosed() => Interlocked.Decrement(ref _openStreams);
    internal void NotifyStreamAbortedByClient() => _aborts.Notify();

    private async Task StartCoreAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(FakeLoomcycleServer).Assembly.GetName().Name,
        });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.AllowSynchronousIO = false;
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MinRequestBodyDataRate = null;
            k.Limits.MinResponseDataRate = null;
            k.Limits.MaxConcurrentConnections = null;
            k.Limits.MaxConcurrentUpgradedConnections = null;
            k.Listen(IPAddress.Loopback, Options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                if (Options.HttpsCertificate is not null) listen.UseHttps(Options.HttpsCertificate);
                listen.Use(next => async connection =>
                {
                    Interlocked.Increment(ref _connectionsOpened);
                    try
                    {
                        await next(connection).ConfigureAwait(false);
                    }
                    finally
                    {
                        Interlocked.Increment(ref _connectionsClosed);
                    }
                });
            });
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));

        WebApplication app = builder.Build();
        ((IApplicationBuilder)app).Run(Pipeline.InvokeAsync);
        await app.StartAsync().ConfigureAwait(false);
        _app = app;

        IServerAddressesFeature? addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        string address = addresses?.Addresses.FirstOrDefault() ?? throw new InvalidOperationException("Kestrel reported no address");
        var bound = new Uri(address);
        BaseUri = new Uri($"{(Options.HttpsCertificate is null ? "http" : "https")}://{Options.BaseHost}:{bound.Port}/");
    }

    /// <summary>Stops within about a second, even with open streams: every stream and held run is ended first.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        try { _shutdown.Cancel(); } catch (ObjectDisposedException) { }
        if (_app is not null)
        {
            using var stopCts = new CancellationTokenSource(TimeSpan.FromMilliseconds(900));
            try { await _app.StopAsync(stopCts.Token).ConfigureAwait(false); } catch (OperationCanceledException) { }
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    public override string ToString() => $"FakeLoomcycleServer {BaseUri}";
}
