using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;
using static Loomcycle.Client.Tests.FaultTests.FaultTestKit;

namespace Loomcycle.Client.Tests.FaultTests
{
    /// <summary>TLS validation (S3), redirects (S6), ids that look like paths (S4), the token in errors (S1).</summary>
    public sealed class TransportSecurityTests
    {
        private const string Token = "canary-Tk9xQ2v7mZ4wL8pR3sY6";

        internal static X509Certificate2 Certificate(string[] dnsNames, bool loopbackIp, DateTimeOffset notBefore, DateTimeOffset notAfter)
        {
            using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=loomcycle-fake", key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            foreach (string dns in dnsNames)
            {
                names.AddDnsName(dns);
            }

            if (loopbackIp)
            {
                names.AddIpAddress(IPAddress.Loopback);
            }

            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
            using X509Certificate2 created = request.CreateSelfSigned(notBefore, notAfter);
            return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
        }

        public static IEnumerable<object[]> BadCertificates()
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            yield return new object[] { "self-signed", new[] { "localhost" }, true, now.AddDays(-1), now.AddDays(30) };
            yield return new object[] { "wrong host", new[] { "loomcycle.example.invalid" }, false, now.AddDays(-1), now.AddDays(30) };
            yield return new object[] { "expired", new[] { "localhost" }, true, now.AddDays(-30), now.AddDays(-1) };
        }

        [Theory]
        [MemberData(nameof(BadCertificates))]
        public async Task ABadCertificateIsRefusedByDefaultWithoutRetryingAndAcceptedOnlyWithSkipCertificateCheck(string kind, string[] names, bool ip, DateTimeOffset from, DateTimeOffset to)
        {
            using X509Certificate2 certificate = Certificate(names, ip, from, to);
            await using var server = await FakeLoomcycleServer.StartAsync(new FakeServerOptions { HttpsCertificate = certificate, Token = Token });
            Assert.Equal("https", server.BaseUri.Scheme);
            var diagnostics = CaptureDiagnostics();

            using (var strict = new LoomcycleConnection(new LoomcycleConnectionOptions { BaseUri = server.BaseUri, Token = Secure(Token), MaximumRetryCount = 3 }))
            {
                var error = await Assert.ThrowsAsync<LoomcycleConnectionException>(() => strict.GetRuntimeStateAsync());
                Assert.Contains("SSL", error.ToString(), StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(Token, error.ToString());
            }

            Assert.Empty(server.Requests); // nothing, and so no token, got through
            Assert.DoesNotContain(diagnostics, d => d.Text.Contains("Retry "));

            using var lax = new LoomcycleConnection(new LoomcycleConnectionOptions { BaseUri = server.BaseUri, Token = Secure(Token), SkipCertificateCheck = true });
            Assert.Equal("running", (await lax.GetRuntimeStateAsync()).State);
            Assert.True(lax.SkipCertificateCheck, kind);
        }

        [Theory]
        [InlineData("GET", 302)]
        [InlineData("GET", 307)]
        [InlineData("POST", 307)]
        [InlineData("POST", 308)]
        public async Task ARedirectIsNotFollowedSoTheTargetReceivesNothing(string method, int status)
        {
            await using var server = await FakeLoomcycleServer.StartAsync(new FakeServerOptions { Token = Token });
            await using var elsewhere = await FakeLoomcycleServer.StartAsync();
            using var connection = new LoomcycleConnection(new LoomcycleConnectionOptions { BaseUri = server.BaseUri, Token = Secure(Token), MaximumRetryCount = 3 });
            string path = method == "GET" ? "/v1/_state" : "/v1/runs";
            server.Enqueue(method, path, Faults.Redirect(new Uri(elsewhere.BaseUri, path.TrimStart('/')).AbsoluteUri, status));

            LoomcycleException error = method == "GET"
                ? await Assert.ThrowsAnyAsync<LoomcycleException>(() => connection.GetRuntimeStateAsync())
                : await Assert.ThrowsAnyAsync<LoomcycleException>(() => connection.StartRunAsync(Run()));

            Assert.IsType<LoomcycleProtocolException>(error);
            Assert.Contains("redirected", error.Message);
            Assert.Contains(elsewhere.BaseUri.Authority, error.Message);
            // No wait: a followed redirect would have been sent before the call could report the redirect.
            Assert.Empty(elsewhere.Requests);
            Assert.Equal(1, server.Count(method, path));
        }

        [Fact]
        public async Task ATokenEchoedIntoErrorBodiesAndErrorFramesIsRedacted()
        {
            await using var server = await FakeLoomcycleServer.StartAsync(new FakeServerOptions { Token = Token });
            using var connection = new LoomcycleConnection(new LoomcycleConnectionOptions { BaseUri = server.BaseUri, Token = Secure(Token), MaximumRetryCount = 0 });
            server.Enqueue("GET", "/v1/_state", ctx => Faults.PlainText(500, "bad header: " + ctx.Request.Headers.Authorization)(ctx));
            server.Enqueue("POST", "/v1/runs", ctx => Faults.RawSse(
                HealthyRunFrames[0],
                Frame("text", "{\"type\":\"text\",\"text\":\"tool saw " + ctx.Request.Headers.Authorization + "\",\"debug\":{\"auth\":\"" + ctx.Request.Headers.Authorization + "\"}}"),
                Frame("error", "{\"type\":\"error\",\"error\":\"upstream said " + ctx.Request.Headers.Authorization + "\"}"))(ctx));

            var error = await Assert.ThrowsAnyAsync<LoomcycleException>(() => connection.GetRuntimeStateAsync());
            using RunStream stream = await connection.StartRunAsync(Run());
            List<RunEvent> events = await ReadAllAsync(stream);

            Assert.Contains("Bearer ***", error.BodyText);
            RunEvent failed = events.Single(e => e.Type == "error");
            Assert.Contains("Bearer ***", failed.Error);
            RunEvent text = events.Single(e => e.Type == "text");
            Assert.Equal("tool saw Bearer ***", text.Text);
            string unknownFields = System.Text.Json.JsonSerializer.Serialize(text, LoomcycleJsonContext.Default.RunEvent);
            Assert.Contains("\"auth\":\"Bearer ***\"", unknownFields);
            Assert.DoesNotContain(Token, unknownFields + text.Data);
            string everything = string.Join("\n", error.ToString(), error.BodyText, failed.Error, failed.Data, stream.Result.FailureReason, connection.ToString(), connection.HasToken);
            Assert.DoesNotContain(Token, everything);
        }

        public static IEnumerable<object[]> PathLikeIds() =>
            new[] { ".", "..", "a/b", "?x", "#", "%2F", "a b", "..%2F_pause", "../_pause", "日本語", "ä/ö", "a\\b", "%2E%2E", "x?y=z#w" }.Select(id => new object[] { id });

        private sealed record Route(string Name, Func<LoomcycleConnection, string, Task> Call, string Prefix, bool ServerValidated);

        private static readonly Route[] Routes =
        {
            new("GetTranscript", (c, id) => c.GetTranscriptAsync(id), "/v1/sessions/", false),
            new("Continue", async (c, id) => (await c.StartContinueAsync(new ContinueRequest { SessionId = id, Prompt = "x" })).Dispose(), "/v1/sessions/", false),
            new("GetSnapshot", (c, id) => c.GetSnapshotAsync(id), "/v1/_snapshots/", false),
            new("DeleteSnapshot", (c, id) => c.DeleteSnapshotAsync(id), "/v1/_snapshots/", false),
            new("RestoreSnapshot", (c, id) => c.RestoreSnapshotAsync(id), "/v1/_snapshots/", false),
            new("ExportSnapshot", (c, id) => c.ExportSnapshotAsync(id, Stream.Null), "/v1/_snapshots/", false),
            new("DeleteHook", (c, id) => c.DeleteHookAsync(id), "/v1/hooks/", false),
            new("ListMemoryScopeIds", (c, id) => c.ListMemoryScopeIdsAsync(id), "/v1/_memory/scopes/", false),
            new("ListMemoryEntries", (c, id) => c.ListMemoryEntriesAsync("agent", id), "/v1/_memory/scopes/agent/", false),
            new("GetMemoryEntry", (c, id) => c.GetMemoryEntryAsync("agent", "a1", id), "/v1/_memory/scopes/agent/a1/keys/", false),
            new("GetAgent", (c, id) => c.GetAgentAsync(id), "/v1/agents/", true),
            new("CancelAgent", (c, id) => c.CancelAgentAsync(id), "/v1/agents/", true),
            new("ListUserAgents", (c, id) => c.ListUserAgentsAsync(id), "/v1/users/", true),
            new("ListUserInterrupts", (c, id) => c.ListUserInterruptsAsync(id), "/v1/users/", true),
            new("ListRunInterrupts", (c, id) => c.ListRunInterruptsAsync(id), "/v1/runs/", true),
            new("ResolveInterrupt", (c, id) => c.ResolveInterruptAsync(id, "intr_1", "yes"), "/v1/runs/", true),
        };

        [Theory]
        [MemberData(nameof(PathLikeIds))]
        public async Task AnIdThatLooksLikeAPathIsSentAsOneEscapedSegmentOrRefusedBeforeSending(string id)
        {
            await using var server = await FakeLoomcycleServer.StartAsync();
            using LoomcycleConnection connection = Connect(server, o => o.MaximumRetryCount = 0);
            var failures = new List<string>();
            foreach (Route route in Routes)
            {
                server.ClearRequests();
                Exception? error = null;
                try
                {
                    await route.Call(connection, id);
                }
                catch (Exception ex)
                {
                    error = ex;
                }

                var sent = server.Requests.ToList();
                bool refusedBeforeSending = error is InvalidArgumentException && sent.Count == 0;
                if (route.ServerValidated || id is "." or "..")
                {
                    if (!refusedBeforeSending)
                    {
                        failures.Add($"{route.Name}: '{id}' should be refused before sending, got {error?.GetType().Name ?? "success"} and {sent.Count} requests");
                    }

                    continue;
                }

                if (sent.Count != 1)
                {
                    failures.Add($"{route.Name}: '{id}' gave {sent.Count} requests ({error?.GetType().Name})");
                    continue;
                }

                string target = sent[0].RawTarget;
                int query = target.IndexOf('?');
                string path = query >= 0 ? target.Substring(0, query) : target;
                if (!path.StartsWith(route.Prefix, StringComparison.Ordinal))
                {
                    failures.Add($"{route.Name}: '{id}' reached {target}, outside {route.Prefix}");
                    continue;
                }

                string segment = path.Substring(route.Prefix.Length).Split('/')[0];
                if (Uri.UnescapeDataString(segment) != id || segment.IndexOfAny(new[] { '?', '#', ' ' }) >= 0 || target.Contains('#'))
                {
                    failures.Add($"{route.Name}: '{id}' was sent as segment '{segment}' in {target}");
                }
            }

            Assert.True(failures.Count == 0, string.Join("\n", failures));
        }

        private static SecureString Secure(string text)
        {
            var secure = new SecureString();
            foreach (char c in text)
            {
                secure.AppendChar(c);
            }

            return secure;
        }
    }
}
