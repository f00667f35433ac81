using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;
using Xunit.Abstractions;
using static Loomcycle.PowerShell.Tests.FaultTests.FaultKit;

namespace Loomcycle.PowerShell.Tests.FaultTests
{
    /// <summary>S2 (plain http), S3 (TLS) and S4 (ids that look like paths) through the cmdlets.</summary>
    [Collection(FaultCollection.Name)]
    public sealed class TransportSecurityCmdletTests
    {
        private readonly ITestOutputHelper _output;

        public TransportSecurityCmdletTests(ITestOutputHelper output)
        {
            _output = output;
        }

        [Theory]
        [InlineData("http://localhost:8787")]
        [InlineData("http://127.0.0.1:8787")]
        [InlineData("http://127.1:8787")]
        [InlineData("http://2130706433:8787")]
        [InlineData("http://0x7f000001:8787")]
        [InlineData("http://[::1]:8787")]
        [InlineData("http://[::ffff:127.0.0.1]:8787")]
        [InlineData("https://loomcycle.example.com")]
        [InlineData("https://10.1.2.3:8443")]
        public void ATokenIsAcceptedForLoopbackAndHttps(string url)
        {
            using var session = new PowerShellSession();
            var result = session.Run($"Connect-Loomcycle {Quote(url)} -Token $token -PassThru -NoDefault", new Dictionary<string, object?> { ["token"] = TokenLeakTests.Secure("a-token-for-the-guard") });
            result.ThrowIfErrors();
            Assert.Equal(true, Assert.Single(result.Output).Properties["HasToken"].Value);
        }

        [Theory]
        [InlineData("http://loomcycle.example.com:8787", true)]
        [InlineData("http://10.1.2.3:8787", true)]
        [InlineData("http://127.0.0.1.nip.io:8787", true)]
        [InlineData("http://localhost.evil.example:8787", true)]
        [InlineData("http://LOCALHOST.:8787", true)]
        [InlineData("http://[fe80::1]:8787", true)]
        [InlineData("http://0.0.0.0:8787", true)]
        [InlineData("http://localhost@evil.example", false)]
        [InlineData("http://localhost:80@evil.example/", false)]
        [InlineData("https://user:pass@loomcycle.example.com", false)]
        [InlineData("http://evil.example#@127.0.0.1", false)]
        [InlineData("http://evil.example/?@127.0.0.1", false)]
        [InlineData("ftp://127.0.0.1/", false)]
        public void ATokenIsRefusedForOtherPlainHttpAddressesAndTheRefusalSaysHowToProceed(string url, bool allowedWithSwitch)
        {
            using var session = new PowerShellSession();
            var variables = new Dictionary<string, object?> { ["token"] = TokenLeakTests.Secure("a-token-for-the-guard") };

            var refused = session.Run($"Connect-Loomcycle {Quote(url)} -Token $token -PassThru -NoDefault", variables);
            ErrorRecord error = Assert.Single(refused.AllErrors);
            Assert.Empty(refused.Output);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            string message = error.Exception.Message;
            string? advice = error.ErrorDetails?.RecommendedAction;
            Assert.True(
                (advice?.Contains("-AllowUnencryptedAuthentication") ?? false) || message.Contains("user information") || message.Contains("query or a fragment") || message.Contains("http or https"),
                message);

            var opted = session.Run($"Connect-Loomcycle {Quote(url)} -Token $token -AllowUnencryptedAuthentication -PassThru -NoDefault", variables);
            Assert.Equal(allowedWithSwitch, opted.AllErrors.Count() == 0);
        }

        [Fact]
        public async Task CertificatesAreValidatedByDefaultAndSkipCertificateCheckWarns()
        {
            using X509Certificate2 certificate = SelfSigned();
            await using var server = await FakeLoomcycleServer.StartAsync(new FakeServerOptions { HttpsCertificate = certificate });
            using var session = new PowerShellSession();

            var strict = session.Run($"Connect-Loomcycle {Quote(server.BaseUri.ToString())}; Get-LoomcycleHealth");
            ErrorRecord error = Assert.Single(strict.AllErrors);
            Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
            Assert.Empty(server.Requests);

            var lax = session.Run($"Connect-Loomcycle {Quote(server.BaseUri.ToString())} -SkipCertificateCheck; Get-LoomcycleHealth");
            Assert.Empty(lax.AllErrors);
            Assert.Equal(true, Assert.Single(lax.Output).Properties["Ok"].Value);
            Assert.Contains(lax.Warnings, w => w.Contains("certificate validation is off"));
        }

        [Fact]
        public async Task ARedirectIsNotFollowedByACmdlet()
        {
            await using var server = await FakeLoomcycleServer.StartAsync(new FakeServerOptions { Token = "redirect-test-token-1" });
            await using var elsewhere = await FakeLoomcycleServer.StartAsync();
            using var session = new PowerShellSession();
            server.Enqueue("POST", "/v1/runs", Faults.Redirect(new Uri(elsewhere.BaseUri, "v1/runs").AbsoluteUri, 307));

            var result = session.Run(
                $"Connect-Loomcycle {Quote(server.BaseUri.ToString())} -Token $token; Invoke-LoomcycleRun -Agent echo -Prompt x",
                new Dictionary<string, object?> { ["token"] = TokenLeakTests.Secure("redirect-test-token-1") });

            ErrorRecord error = Assert.Single(result.AllErrors);
            Assert.Contains("redirected (307)", error.Exception.Message);
            // No wait: a followed redirect would have been sent before the cmdlet could report the redirect.
            Assert.Empty(elsewhere.Requests);
        }

        /// <summary>Cmdlets that put an id in the path, keyed by name (a parameter may follow the name): the script ($id holds
        /// the id) and the route prefix. Validated = the server restricts the id, so anything unusual must be refused before
        /// sending; otherwise every id but "." and ".." must reach the server as one escaped segment (a refusal fails).
        /// Get-LoomcycleMemoryScopeId is not here: its only path value, -Scope, is a [ValidateSet] (agent, user, tenant),
        /// which <see cref="AFixedSetScopeRefusesPathLikeValuesAtBinding"/> checks; its scope ids come back, never go out.</summary>
        internal static readonly IReadOnlyDictionary<string, (string Script, string Prefix, bool Validated)> PathCmdlets =
            new Dictionary<string, (string, string, bool)>(StringComparer.OrdinalIgnoreCase)
            {
                ["Send-LoomcycleMessage"] = ("Send-LoomcycleMessage -SessionId $id -Prompt x", "/v1/sessions/", false),
                ["Get-LoomcycleTranscript"] = ("Get-LoomcycleTranscript -SessionId $id", "/v1/sessions/", false),
                ["Get-LoomcycleSnapshot"] = ("Get-LoomcycleSnapshot -Id $id", "/v1/_snapshots/", false),
                ["Export-LoomcycleSnapshot"] = ("Export-LoomcycleSnapshot -Id $id -Path $exportPath", "/v1/_snapshots/", false),
                ["Restore-LoomcycleSnapshot"] = ("Restore-LoomcycleSnapshot -Id $id -Confirm:$false", "/v1/_snapshots/", false),
                ["Remove-LoomcycleSnapshot"] = ("Remove-LoomcycleSnapshot -Id $id -Confirm:$false", "/v1/_snapshots/", false),
                ["Unregister-LoomcycleHook"] = ("Unregister-LoomcycleHook -Id $id -Confirm:$false", "/v1/hooks/", false),
                ["Get-LoomcycleMemory -ScopeId"] = ("Get-LoomcycleMemory -Scope agent -ScopeId $id", "/v1/_memory/scopes/agent/", false),
                ["Get-LoomcycleMemory"] = ("Get-LoomcycleMemory -Scope agent -ScopeId a1 -Key $id", "/v1/_memory/scopes/agent/a1/keys/", false),
                ["Get-LoomcycleAgent"] = ("Get-LoomcycleAgent -AgentId $id", "/v1/agents/", true),
                ["Stop-LoomcycleAgent"] = ("Stop-LoomcycleAgent -AgentId $id -Confirm:$false", "/v1/agents/", true),
                ["Get-LoomcycleInterrupt"] = ("Get-LoomcycleInterrupt -RunId $id", "/v1/runs/", true),
                ["Resolve-LoomcycleInterrupt"] = ("Resolve-LoomcycleInterrupt -RunId $id -InterruptId intr_1 -Answer yes -Confirm:$false", "/v1/runs/", true),
            };

        private static readonly string[] PathLikeIds = { ".", "..", "a/b", "?x", "#", "%2F", "a b", "../_pause", "日本語", "x?y=z#w", "a\\b" };

        [Fact]
        public async Task IdsThatLookLikePathsAreSentAsOneEscapedSegmentAndOnlyDotSegmentsOrValidatedIdsAreRefused()
        {
            await using var server = await FakeLoomcycleServer.StartAsync();
            using var session = new PowerShellSession();
            string exportPath = Path.Combine(Path.GetTempPath(), "lc-path-" + Guid.NewGuid().ToString("N") + ".json");
            session.Run($"Connect-Loomcycle {Quote(server.BaseUri.ToString())} -MaximumRetryCount 0").ThrowIfErrors();
            List<string> exported = TokenLeakTests.Exported(session);
            var failures = new List<string>();
            int checkedCount = 0;
            foreach (var (key, (script, prefix, validated)) in PathCmdlets)
            {
                string name = key.Split(' ')[0];
                if (!exported.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    failures.Add($"{name} is not exported by the built module");
                    continue;
                }

                foreach (string id in PathLikeIds)
                {
                    server.ClearRequests();
                    var result = session.Run(script, new Dictionary<string, object?> { ["id"] = id, ["exportPath"] = exportPath });
                    checkedCount++;
                    var sent = server.Requests.ToList();
                    bool refused = sent.Count == 0 && result.AllErrors.Any();
                    if (validated || id is "." or "..")
                    {
                        ErrorRecord? refusal = result.AllErrors.FirstOrDefault();
                        if (!refused)
                        {
                            failures.Add($"{key} '{id}': expected a refusal before sending, got {sent.Count} requests");
                        }
                        else if (refusal!.CategoryInfo.Category != ErrorCategory.InvalidArgument || !refusal.Exception.Message.Contains(id, StringComparison.Ordinal))
                        {
                            failures.Add($"{key} '{id}': refused, but not as an invalid argument naming the id: {refusal.CategoryInfo.Category} {refusal.Exception.Message}");
                        }

                        continue;
                    }

                    if (refused)
                    {
                        // A free-form id the server accepts must reach it: a refusal here is a bug, not a pass.
                        failures.Add($"{key} '{id}': refused before sending ({result.AllErrors.First().Exception.Message}), but the server accepts this id");
                        continue;
                    }

                    if (sent.Count != 1)
                    {
                        failures.Add($"{key} '{id}': {sent.Count} requests");
                        continue;
                    }

                    string target = sent[0].RawTarget;
                    string path = target.Split('?')[0];
                    string segment = path.StartsWith(prefix, StringComparison.Ordinal) ? path.Substring(prefix.Length).Split('/')[0] : "<outside the route>";
                    if (Uri.UnescapeDataString(segment) != id || target.Contains('#'))
                    {
                        failures.Add($"{key} '{id}': sent as {target}");
                    }
                }
            }

            File.Delete(exportPath);
            _output.WriteLine($"S4: {checkedCount} cmdlet/id cases checked");
            Assert.True(checkedCount > 0);
            Assert.True(failures.Count == 0, string.Join("\n", failures));
        }

        [Fact]
        public async Task AFixedSetScopeRefusesPathLikeValuesAtBinding()
        {
            await using var server = await FakeLoomcycleServer.StartAsync();
            using var session = new PowerShellSession();
            session.Run($"Connect-Loomcycle {Quote(server.BaseUri.ToString())} -MaximumRetryCount 0").ThrowIfErrors();
            foreach (string id in PathLikeIds)
            {
                var result = session.Run("Get-LoomcycleMemoryScopeId -Scope $id", new Dictionary<string, object?> { ["id"] = id });
                ErrorRecord error = Assert.Single(result.AllErrors);
                Assert.IsAssignableFrom<ParameterBindingException>(error.Exception);
                Assert.Equal("ParameterArgumentValidationError,Loomcycle.PowerShell.Commands.GetLoomcycleMemoryScopeIdCommand", error.FullyQualifiedErrorId);
            }

            Assert.Empty(server.Requests);
            var agent = session.Run("Get-LoomcycleMemoryScopeId -Scope agent");
            agent.ThrowIfErrors();
            Assert.Equal("GET /v1/_memory/scopes/agent", Assert.Single(server.Wire()));
        }

        private static X509Certificate2 SelfSigned()
        {
            using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=loomcycle-fake", key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
            using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
        }
    }
}
