using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>Connection settings: base URL forms, the plain-http token guard (pitfalls 4.2), headers, reuse, disposal.</summary>
    public sealed class ConnectionOptionsTests : EngineTest
    {
        private const string Token = "options-canary-token-31";

        public ConnectionOptionsTests(ServerFixture fixture) : base(fixture) { }

        private static LoomcycleConnection Create(string url, string? token = Token, bool allowUnencrypted = false) =>
            new LoomcycleConnection(new LoomcycleConnectionOptions
            {
                BaseUri = new Uri(url, UriKind.RelativeOrAbsolute),
                Token = token is null ? null : Secure(token),
                AllowUnencryptedAuthentication = allowUnencrypted,
            });

        [Theory]
        [InlineData("http://localhost:8787")]
        [InlineData("http://127.0.0.1:8787")]
        [InlineData("http://[::1]:8787")]
        [InlineData("http://127.1:8787")]
        [InlineData("http://2130706433/")]
        [InlineData("http://0x7f000001/")]
        [InlineData("http://[::ffff:127.0.0.1]:8787/")]
        [InlineData("https://loomcycle.example.com")]
        [InlineData("https://10.0.0.5:8787")]
        public void TokenOverLoopbackHttpOrAnyHttps_Allowed(string url)
        {
            using LoomcycleConnection connection = Create(url);
            Assert.True(connection.HasToken);
        }

        [Theory]
        [InlineData("http://localhost.evil.example/")]
        [InlineData("http://127.0.0.1.nip.io/")]
        [InlineData("http://loomcycle.example.com:8787/")]
        [InlineData("http://10.0.0.5:8787/")]
        [InlineData("http://[fe80::1]/")]
        [InlineData("http://LOCALHOST./")]
        public void TokenOverPlainHttpToNonLoopback_Refused_UnlessAllowed(string url)
        {
            var ex = Assert.Throws<InvalidArgumentException>(() => Create(url));
            Assert.Contains("AllowUnencryptedAuthentication", ex.Message);
            Assert.DoesNotContain(Token, ex.Message);

            using LoomcycleConnection allowed = Create(url, allowUnencrypted: true);
            Assert.True(allowed.HasToken);
            using LoomcycleConnection open = Create(url, token: null);
            Assert.False(open.HasToken);
        }

        [Theory]
        [InlineData("http://localhost:80@evil.example/")]
        [InlineData("http://localhost@evil.example/")]
        [InlineData("http://user:secret@127.0.0.1:8787/")]
        [InlineData("https://user@loomcycle.example.com/")]
        public void UrlWithUserInfo_RefusedEvenWhenUnencryptedIsAllowed(string url)
        {
            var ex = Assert.Throws<InvalidArgumentException>(() => Create(url, allowUnencrypted: true));
            Assert.Contains("user information", ex.Message);
            Assert.Throws<InvalidArgumentException>(() => Create(url, token: null));
        }

        [Theory]
        [InlineData("http://evil.example#@127.0.0.1")]
        [InlineData("http://127.0.0.1:8787/?token=x")]
        [InlineData("ftp://127.0.0.1/")]
        [InlineData("file:///tmp/x")]
        [InlineData("/relative/path")]
        public void UrlWithFragmentQueryOtherSchemeOrRelative_Refused(string url)
        {
            Assert.Throws<InvalidArgumentException>(() => Create(url, token: null));
        }

        [Theory]
        [InlineData("http://127.0.0.1:8787", "http://127.0.0.1:8787/")]
        [InlineData("http://127.0.0.1:8787/", "http://127.0.0.1:8787/")]
        [InlineData("http://127.0.0.1:8787/loom", "http://127.0.0.1:8787/loom/")]
        [InlineData("HTTP://LocalHost:8787/a/b/", "http://localhost:8787/a/b/")]
        public void BaseUri_NormalisedToEndInSlash(string url, string expected)
        {
            using LoomcycleConnection connection = Create(url, token: null);
            Assert.Equal(expected, connection.BaseUri.AbsoluteUri);
        }

        [Fact]
        public async Task BaseUriWithPath_RoutesAreAppendedToIt()
        {
            Reply("GET", "/loom/v1/_state", 200, "{\"state\":\"running\",\"paused_runs_count\":0}");
            LoomcycleConnection connection = Connect(configure: o => o.BaseUri = new Uri(Server.BaseUri, "loom"));

            await connection.GetRuntimeStateAsync();

            Assert.Equal("/loom/v1/_state", SingleRequest().RawTarget);
        }

        [Fact]
        public async Task Token_SentAsBearerOnV1Routes_NotOnHealthz_UserAgentAlwaysSent()
        {
            LoomcycleConnection connection = Connect(Token);

            await connection.GetRuntimeStateAsync();
            await connection.GetHealthAsync();

            Assert.Equal("Bearer " + Token, Server.Requests[0].Header("Authorization"));
            Assert.Null(Server.Requests[1].Header("Authorization"));
            Assert.All(Server.Requests, r => Assert.StartsWith("Loomcycle.PowerShell/", r.Header("User-Agent")));
            Assert.All(Server.Requests, r => Assert.Equal("application/json", r.Header("Accept")));
        }

        [Fact]
        public async Task EmptyToken_IsOpenMode_NoAuthorizationHeader()
        {
            LoomcycleConnection connection = Connect("");

            await connection.GetRuntimeStateAsync();

            Assert.False(connection.HasToken);
            Assert.Null(SingleRequest().Header("Authorization"));
        }

        [Fact]
        public async Task TokenAgainstAFakeServerThatRequiresIt_Accepted_WrongTokenIsAuthException()
        {
            await using FakeLoomcycleServer secured = await FakeLoomcycleServer.StartAsync(new FakeServerOptions { Token = Token, KeepaliveInterval = TimeSpan.Zero });
            using var good = new LoomcycleConnection(new LoomcycleConnectionOptions { BaseUri = secured.BaseUri, Token = Secure(Token), MaximumRetryCount = 0 });
            using var bad = new LoomcycleConnection(new LoomcycleConnectionOptions { BaseUri = secured.BaseUri, Token = Secure("wrong-token-0000"), MaximumRetryCount = 0 });
            using var none = new LoomcycleConnection(new LoomcycleConnectionOptions { BaseUri = secured.BaseUri, MaximumRetryCount = 0 });

            Assert.Equal("running", (await good.GetRuntimeStateAsync()).State);
            var wrong = await Assert.ThrowsAsync<AuthException>(() => bad.GetRuntimeStateAsync());
            Assert.Equal("unauthorized\n", wrong.BodyText);
            await Assert.ThrowsAsync<AuthException>(() => none.ListHooksAsync());
            Assert.True((await none.GetHealthAsync()).Ok); // /healthz needs no token
        }

        [Fact]
        public async Task OptionsChangedAfterCreation_DoNotAffectTheConnection()
        {
            var options = new LoomcycleConnectionOptions { BaseUri = Server.BaseUri, MaximumRetryCount = 0, RequestTimeout = TimeSpan.FromSeconds(33) };
            using var connection = new LoomcycleConnection(options);
            options.BaseUri = new Uri("http://127.0.0.1:1/");
            options.RequestTimeout = TimeSpan.FromSeconds(1);

            await connection.GetRuntimeStateAsync();

            Assert.Equal(Server.BaseUri, connection.BaseUri);
            Assert.Equal(TimeSpan.FromSeconds(33), connection.RequestTimeout);
            Assert.Single(Server.Requests);
        }

        [Fact]
        public void Defaults_AsDocumented()
        {
            var options = new LoomcycleConnectionOptions();
            using var connection = new LoomcycleConnection(options);

            Assert.Equal(new Uri("http://127.0.0.1:8787/"), connection.BaseUri);
            Assert.False(connection.HasToken);
            Assert.Equal(TimeSpan.FromSeconds(10), connection.ConnectTimeout);
            Assert.Equal(TimeSpan.FromSeconds(100), connection.RequestTimeout);
            Assert.Equal(TimeSpan.FromSeconds(60), connection.StreamIdleTimeout);
            Assert.Equal(2, connection.MaximumRetryCount);
            Assert.Equal(32 * 1024 * 1024, options.MaximumEventBytes);
            Assert.Equal("http://127.0.0.1:8787/ (no token)", connection.ToString());
        }

        [Fact]
        public async Task SequentialCalls_ShareOnePooledConnection()
        {
            for (int i = 0; i < 20; i++)
            {
                await Connection.GetRuntimeStateAsync();
            }

            Assert.Equal(20, Server.Requests.Count);
            Assert.Single(Server.Requests.Select(r => r.ConnectionId).Distinct());
        }

        [Fact]
        public async Task ManyFirstCallsAtOnceOnANewConnection_AllAnswered_ThenItClosesCleanly()
        {
            // The HTTP client is built by the first request: sixteen first requests at once must share one.
            LoomcycleConnection connection = Connect();
            using var start = new ManualResetEventSlim();
            Task<RuntimeState>[] calls = Enumerable.Range(0, 16)
                .Select(_ => Task.Run(() => { start.Wait(); return connection.GetRuntimeStateAsync(); }))
                .ToArray();
            start.Set();

            RuntimeState[] states = await Task.WhenAll(calls);

            Assert.All(states, s => Assert.NotNull(s));
            Assert.Equal(16, Server.Requests.Count);
            connection.Dispose();
            await Assert.ThrowsAsync<ObjectDisposedException>(() => connection.GetRuntimeStateAsync());
            Assert.Equal(16, Server.Requests.Count);
        }

        [Fact]
        public async Task DisposedConnection_ObjectDisposedBeforeSending()
        {
            LoomcycleConnection connection = Connect();
            connection.Dispose();
            connection.Dispose(); // twice is fine

            Assert.True(connection.IsDisposed);
            await Assert.ThrowsAsync<ObjectDisposedException>(() => connection.GetRuntimeStateAsync());
            await Assert.ThrowsAsync<ObjectDisposedException>(() => connection.StartRunAsync(new RunRequest { Agent = "echo", Prompt = "p" }));
            Assert.Empty(Server.Requests);
        }
        [Fact]
        public async Task CallsWhoseAnswerIsIgnored_StillReuseTheConnection()
        {
            // delete-hook answers 200 {"deleted":id}, delete-snapshot 204: neither body is read by the caller.
            for (int i = 0; i < 3; i++)
            {
                Hook hook = await Connection.RegisterHookAsync(new RegisterHookRequest { Owner = "reuse", Name = "n" + i, Phase = "pre", CallbackUrl = "https://c/h" });
                await Connection.DeleteHookAsync(hook.Id);
                await Connection.DeleteSnapshotAsync("snap_none");
            }

            await Connection.GetRuntimeStateAsync();

            Assert.Equal(10, Server.Requests.Count);
            Assert.Single(Server.Requests.Select(r => r.ConnectionId).Distinct());
        }
    }
}
