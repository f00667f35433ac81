using System;

namespace Loomcycle.FakeServer;

/// <summary>How the fake server behaves. Defaults model a NEW (v1.59) server with a store and a pause manager.</summary>
public sealed class FakeServerOptions
{
    /// <summary>When set, every <c>/v1/*</c> route requires <c>Authorization: Bearer &lt;token&gt;</c> (or the
    /// <c>loomcycle_session</c> cookie). Null means open mode.</summary>
    public string? Token { get; set; }

    /// <summary>TCP port on 127.0.0.1; 0 picks an ephemeral port.</summary>
    public int Port { get; set; }

    /// <summary>Interval of <c>: keepalive</c> comments on SSE streams; <see cref="TimeSpan.Zero"/> disables them.
    /// Unlike the real server, values below 1 s are not clamped (so tests can use short intervals).</summary>
    public TimeSpan KeepaliveInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>False emulates a server without persistence (no session frame, 404/503 "requires persistence" errors).</summary>
    public bool StoreConfigured { get; set; } = true;

    /// <summary>False makes <c>_pause</c>/<c>_resume</c>/<c>_state</c> answer 503 <c>pause_not_configured</c>.</summary>
    public bool PauseConfigured { get; set; } = true;

    /// <summary>True = NEW (HEAD, v1.59) behaviour; false = OLD (v0.8.20) behaviour. Differences: healthz body,
    /// case-insensitive Bearer, <c>tools</c> vs <c>allowed_tools</c>, <c>prompt</c> sugar and the "no input" 400,
    /// 503 <c>runtime_paused</c>, 413 vs 400 on big bodies, disconnect recorded as cancelled vs failed,
    /// <c>parent_context</c> in the agent frame, extra NEW fields (tenant on hooks, registered on users ...).</summary>
    public bool NewServer { get; set; } = true;

    /// <summary>Delay before every text delta of the fake agents (throughput/latency shaping).</summary>
    public TimeSpan TextDeltaDelay { get; set; } = TimeSpan.Zero;

    /// <summary>How long <c>POST /v1/_pause</c> blocks in the <c>pausing</c> state before reporting <c>paused</c>.</summary>
    public TimeSpan PauseDuration { get; set; } = TimeSpan.Zero;

    /// <summary>Request-body cap for runs/messages. Null means the real default (NEW 16 MiB → 413, OLD 1 MiB → 400).</summary>
    public long? MaxRunRequestBytes { get; set; }

    /// <summary>Snapshot restores with a larger Content-Length are scanned as they arrive instead of buffered
    /// (see <c>Routes/StreamedRestore</c>); their recorded request has an empty body.</summary>
    public long StreamRequestBodyAbove { get; set; } = 64L << 20;

    /// <summary>When set, the server listens with TLS using this certificate and <see cref="FakeLoomcycleServer.BaseUri"/>
    /// is <c>https://</c> (TLS tests: self-signed, expired or wrong-host certificates).</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? HttpsCertificate { get; set; }

    /// <summary>The host name put in <see cref="FakeLoomcycleServer.BaseUri"/> (default 127.0.0.1; e.g. "localhost").</summary>
    public string BaseHost { get; set; } = "127.0.0.1";

    /// <summary>When set, every request is appended to this file as one JSON line (<c>method</c>, <c>target</c>,
    /// <c>body</c>) when it arrives, before it is answered: out-of-process tests (Pester) read the wire from it.</summary>
    public string? RequestLogPath { get; set; }

    /// <summary>Version reported by NEW's <c>/healthz</c>.</summary>
    public string Version { get; set; } = "v1.59.0";

    /// <summary>How long GET /v1/users/{id}/agents/stream stays open before the server ends it (the real server: 30 minutes).</summary>
    public TimeSpan RunStateStreamLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Inputs an interactive run queues while it is busy; one more gets 429 with Retry-After: 1.</summary>
    public int InteractiveInputCapacity { get; set; } = 4;
}
