using System;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    public sealed class ConnectionCmdletTests : IAsyncLifetime
    {
        private const string Token = "tok-Connection-3f9a1c7e5b";
        private FakeLoomcycleServer _server = null!;

        public async Task InitializeAsync() => _server = await FakeLoomcycleServer.StartAsync(new FakeServerOptions { Token = Token });

        public async Task DisposeAsync() => await _server.DisposeAsync();

        private static System.Security.SecureString Secure(string value) => new System.Net.NetworkCredential(string.Empty, value).SecurePassword;

        [Fact]
        public void ConnectMakesTheConnectionCurrentAndTheTokenTravelsOnlyInTheHeader()
        {
            using var session = new PowerShellSession();
            var result = session.Run(
                "Connect-Loomcycle -BaseUrl $url -Token $secure; Get-LoomcycleConnection; Get-LoomcycleHealth; Test-LoomcycleConnection",
                new System.Collections.Generic.Dictionary<string, object?> { ["url"] = _server.BaseUri.ToString(), ["secure"] = Secure(Token) });
            result.ThrowIfErrors();

            PSObject connection = result.Output[0];
            Assert.Equal(_server.BaseUri.ToString(), connection.Str("BaseUri"));
            Assert.Equal(true, connection.Prop("HasToken"));
            Assert.Equal("Connect-Loomcycle", connection.Str("Source"));
            Assert.Equal(true, result.Output[1].Prop("Ok"));
            Assert.Equal(true, result.Output[2].BaseObject);
            Assert.DoesNotContain(Token, result.Everything());

            RecordedRequest users = _server.Requests.Single(r => r.Path == "/v1/_users");
            Assert.Equal("Bearer " + Token, users.Headers["Authorization"]);
            RecordedRequest health = _server.Requests.First(r => r.Path == "/healthz");
            Assert.False(health.Headers.ContainsKey("Authorization")); // /healthz needs no token, so none is sent
        }

        [Fact]
        public void ADisconnectedDefaultConnectionIsReplacedByTheNextCommand()
        {
            // No Connect-Loomcycle: commands share the process-wide default (or environment) connection. Closing it must
            // not leave this runspace, or any other, with a closed connection.
            using var session = new PowerShellSession();
            var result = session.Run(
                "$a = Get-LoomcycleConnection; $a | Disconnect-Loomcycle; $b = Get-LoomcycleConnection; " +
                "$a.IsDisposed; $b.IsDisposed; [object]::ReferenceEquals($a, $b); $b.BaseUri.AbsoluteUri -eq $a.BaseUri.AbsoluteUri").ThrowIfErrors();
            Assert.Equal(new object[] { true, false, false, true }, result.Output.Select(o => o.BaseObject));

            using var other = new PowerShellSession();
            Assert.Equal(false, other.Run("(Get-LoomcycleConnection).IsDisposed").ThrowIfErrors().Output.Single().BaseObject);
        }

        [Fact]
        public void TestConnectionIsFalseWhenTheTokenIsRefusedAndWhenNothingListens()
        {
            using var session = new PowerShellSession();
            var wrong = session.Run(
                "Connect-Loomcycle $url -Token $secure; Test-LoomcycleConnection -Verbose",
                new System.Collections.Generic.Dictionary<string, object?> { ["url"] = _server.BaseUri.ToString(), ["secure"] = Secure("not-the-token") });
            Assert.Equal(false, wrong.Output.Last().BaseObject);
            Assert.Contains(wrong.Verbose, v => v.Contains("refused the token"));

            var down = session.Run("Connect-Loomcycle http://127.0.0.1:1; Test-LoomcycleConnection");
            Assert.Equal(false, down.Output.Last().BaseObject);
            Assert.Empty(down.Errors);
        }

        [Theory]
        [InlineData(404, "404 page not found\n", true)]
        [InlineData(503, "{\"error\":\"store not configured\",\"code\":\"unavailable\"}", true)]
        [InlineData(500, "internal error\n", true)]
        [InlineData(403, "{\"error\":\"insufficient scope\",\"code\":\"forbidden\"}", false)]
        [InlineData(401, "{\"error\":\"unauthorized\"}", false)]
        public void TestConnectionIsFalseOnlyWhenTheTokenCheckRefusesTheToken(int status, string body, bool expected)
        {
            _server.Enqueue("GET", "/v1/_users", async context =>
            {
                context.Response.StatusCode = status;
                context.Response.ContentType = body.StartsWith("{") ? "application/json" : "text/plain; charset=utf-8";
                await context.Response.WriteAsync(body);
            });
            using var session = new PowerShellSession();
            var result = session.Run(
                "Connect-Loomcycle $url -Token $secure -MaximumRetryCount 0; Test-LoomcycleConnection -Verbose",
                new System.Collections.Generic.Dictionary<string, object?> { ["url"] = _server.BaseUri.ToString(), ["secure"] = Secure(Token) });
            Assert.Equal(0, _server.PendingOverrides); // the check route was really asked
            Assert.Equal(expected, result.Output.Last().BaseObject);
            Assert.Empty(result.Errors);
            Assert.Contains(result.Verbose, v => v.Contains(expected ? "not refused" : "refused the token"));
        }

        [Fact]
        public void AWrongTokenFailsTheRunBeforeAnyEventWithAnAuthErrorRecord()
        {
            using var session = new PowerShellSession();
            var result = session.Run(
                "Connect-Loomcycle $url -Token $secure; Invoke-LoomcycleRun echo hi",
                new System.Collections.Generic.Dictionary<string, object?> { ["url"] = _server.BaseUri.ToString(), ["secure"] = Secure("wrong-token-123") });
            Assert.Empty(result.Output);
            ErrorRecord error = Assert.Single(result.Errors);
            Assert.Equal("Auth,Loomcycle.PowerShell.Commands.InvokeLoomcycleRunCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
            Assert.Equal(401, PSObject.AsPSObject(error.Exception).Prop("StatusCode"));
        }

        [Fact]
        public void NoDefaultKeepsTheCurrentConnectionAndDisconnectForgetsIt()
        {
            using var session = new PowerShellSession();
            var result = session.Run(@"
                Connect-Loomcycle http://127.0.0.1:9
                $other = Connect-Loomcycle http://127.0.0.1:10 -PassThru -NoDefault
                (Get-LoomcycleConnection).BaseUri.Port
                $other.BaseUri.Port
                Disconnect-Loomcycle
                (Get-LoomcycleConnection -Current) -eq $null
                (Get-LoomcycleConnection).Source");
            result.ThrowIfErrors();
            Assert.Equal(new object[] { 9, 10, true }, result.Output.Take(3).Select(o => o.BaseObject));
            Assert.Contains(result.Output[3].ToString(), new[] { "Default", "Environment" });
        }

        [Theory]
        [InlineData("http://loomcycle.example.com")]
        [InlineData("http://localhost.evil.example")]
        [InlineData("http://127.0.0.1.nip.io")]
        public void ATokenIsRefusedOverPlainHttpToAHostThatIsNotLoopback(string url)
        {
            using var session = new PowerShellSession();
            var result = session.Run("Connect-Loomcycle $url -Token $secure", new System.Collections.Generic.Dictionary<string, object?> { ["url"] = url, ["secure"] = Secure("secret-123456") });
            ErrorRecord error = Assert.Single(result.AllErrors);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Contains("AllowUnencryptedAuthentication", error.Exception.Message);
            Assert.Contains("-AllowUnencryptedAuthentication", error.ErrorDetails.RecommendedAction);

            var allowed = session.Run("Connect-Loomcycle $url -Token $secure -AllowUnencryptedAuthentication -PassThru", new System.Collections.Generic.Dictionary<string, object?> { ["url"] = url, ["secure"] = Secure("secret-123456") });
            allowed.ThrowIfErrors();
        }

        [Fact]
        public void UserInfoInTheBaseUrlIsRefused()
        {
            using var session = new PowerShellSession();
            var result = session.Run("Connect-Loomcycle 'http://localhost:80@evil.example/'");
            ErrorRecord error = Assert.Single(result.AllErrors);
            Assert.Contains("user information", error.Exception.Message);
        }
    }
}
