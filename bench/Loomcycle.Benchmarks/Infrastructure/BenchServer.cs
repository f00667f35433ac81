using System;
using System.Net.Http;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Microsoft.AspNetCore.Http;

namespace Loomcycle.Benchmarks.Infrastructure
{
    /// <summary>The fake loomcycle server on loopback, plus a connection and a bare HttpClient to it.</summary>
    public sealed class BenchServer : IAsyncDisposable
    {
        private BenchServer(FakeLoomcycleServer server)
        {
            Server = server;
            // With a token, as users run it: the engine then searches every frame for it (secret masking).
            Connection = new LoomcycleConnection(new LoomcycleConnectionOptions { BaseUri = server.BaseUri, Token = TokenSecure() });
            Bare = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
            {
                BaseAddress = server.BaseUri,
                Timeout = TimeSpan.FromMinutes(10),
            };
        }

        /// <summary>The bearer token the engine's connections use (the fake server does not ask for one; the engine masks it).</summary>
        public const string Token = "lc_bench_token_0123456789abcdef";

        public FakeLoomcycleServer Server { get; }

        /// <summary>The engine's connection (one pooled HttpClient).</summary>
        public LoomcycleConnection Connection { get; }

        /// <summary>The baseline: a plain HttpClient with default pooling.</summary>
        public HttpClient Bare { get; }

        public Uri BaseUri => Server.BaseUri;

        public static async Task<BenchServer> StartAsync(Action<FakeServerOptions>? configure = null)
        {
            var options = new FakeServerOptions { KeepaliveInterval = TimeSpan.Zero };
            configure?.Invoke(options);
            return new BenchServer(await FakeLoomcycleServer.StartAsync(options).ConfigureAwait(false));
        }

        /// <summary>The next POST /v1/runs answers with this handler (one-shot).</summary>
        public void NextRun(Func<HttpContext, Task> handler) => Server.Enqueue("POST", "/v1/runs", handler);

        public static System.Security.SecureString TokenSecure()
        {
            var secure = new System.Security.SecureString();
            foreach (char c in Token)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }

        public async ValueTask DisposeAsync()
        {
            Bare.Dispose();
            Connection.Dispose();
            await Server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
