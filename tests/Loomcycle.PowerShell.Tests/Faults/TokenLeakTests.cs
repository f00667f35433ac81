using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Microsoft.AspNetCore.Http;
using Xunit;
using Xunit.Abstractions;

namespace Loomcycle.PowerShell.Tests.FaultTests
{
    /// <summary>
    /// S1: the bearer token (and a per-run user bearer) appear nowhere a user or a log can see them. Every exported
    /// cmdlet runs with -Verbose -Debug on success and failure paths: a server that echoes the Authorization header into
    /// error bodies and error frames, 401s, 500s, a refused connection. Output objects, their properties and CLIXML
    /// serialization, every stream, error records, exceptions and $Error are searched for the secrets.
    /// </summary>
    [Collection(FaultCollection.Name)]
    public sealed partial class TokenLeakTests
    {
        private const string Token = "lc-canary-7Qx2Vb9Lm4Zr8Tk1Wp6N";
        private const string UserBearer = "ub-canary-3Hd8Kq5Ys2Fn7Jc4";

        /// <summary>
        /// A plausible invocation of every cmdlet, keyed by name. $c is a connection holding the canary token.
        /// Each area adds its own table in a file of its own (TokenLeakTests.&lt;Area&gt;.cs): a static field of
        /// type <c>Dictionary&lt;string, string&gt;</c> whose name ends in "Cmdlets"; this property joins them.
        /// </summary>
        internal static IReadOnlyDictionary<string, string> Invocations => AllInvocations.Value;

        private static readonly Lazy<Dictionary<string, string>> AllInvocations = new Lazy<Dictionary<string, string>>(() =>
        {
            var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (System.Reflection.FieldInfo field in typeof(TokenLeakTests).GetFields(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public))
            {
                if (field.Name.EndsWith("Cmdlets", StringComparison.Ordinal) && field.GetValue(null) is Dictionary<string, string> table)
                {
                    foreach (KeyValuePair<string, string> entry in table)
                    {
                        all.Add(entry.Key, entry.Value);
                    }
                }
            }

            return all;
        });

        /// <summary>The 27 cmdlets of the reference client.</summary>
        private static readonly Dictionary<string, string> ReferenceCmdlets = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Connect-Loomcycle"] = "Connect-Loomcycle -BaseUrl $url -Token $token -MaximumRetryCount 0 -PassThru -NoDefault",
            ["Get-LoomcycleConnection"] = "Get-LoomcycleConnection",
            ["Disconnect-Loomcycle"] = "$d = Connect-Loomcycle -BaseUrl $url -Token $token -PassThru -NoDefault; Disconnect-Loomcycle -Connection $d",
            ["Invoke-LoomcycleRun"] = "Invoke-LoomcycleRun -Connection $c -Agent echo -Prompt hi -UserBearer $userBearer",
            ["Send-LoomcycleMessage"] = "Send-LoomcycleMessage -Connection $c -SessionId s_leak -Prompt hi -UserBearer $userBearer",
            ["Get-LoomcycleAgent"] = "Get-LoomcycleAgent -Connection $c -AgentId a_leak",
            ["Stop-LoomcycleAgent"] = "Stop-LoomcycleAgent -Connection $c -AgentId a_leak -Reason test -Confirm:$false",
            ["Get-LoomcycleTranscript"] = "Get-LoomcycleTranscript -Connection $c -SessionId s_leak",
            ["Get-LoomcycleHealth"] = "Get-LoomcycleHealth -Connection $c",
            ["Test-LoomcycleConnection"] = "Test-LoomcycleConnection -Connection $c",
            ["Get-LoomcycleUser"] = "Get-LoomcycleUser -Connection $c",
            ["Suspend-LoomcycleRuntime"] = "Suspend-LoomcycleRuntime -Connection $c -Confirm:$false",
            ["Resume-LoomcycleRuntime"] = "Resume-LoomcycleRuntime -Connection $c -Confirm:$false",
            ["Get-LoomcycleRuntimeState"] = "Get-LoomcycleRuntimeState -Connection $c",
            ["New-LoomcycleSnapshot"] = "New-LoomcycleSnapshot -Connection $c -Label leak -Confirm:$false",
            ["Get-LoomcycleSnapshot"] = "Get-LoomcycleSnapshot -Connection $c",
            ["Export-LoomcycleSnapshot"] = "Export-LoomcycleSnapshot -Connection $c -Id snap_leak -Path $exportPath",
            ["Restore-LoomcycleSnapshot"] = "Restore-LoomcycleSnapshot -Connection $c -Id snap_leak -Confirm:$false",
            ["Remove-LoomcycleSnapshot"] = "Remove-LoomcycleSnapshot -Connection $c -Id snap_leak -Confirm:$false",
            ["Get-LoomcycleMemoryScope"] = "Get-LoomcycleMemoryScope -Connection $c",
            ["Get-LoomcycleMemoryScopeId"] = "Get-LoomcycleMemoryScopeId -Connection $c -Scope agent",
            ["Get-LoomcycleMemory"] = "Get-LoomcycleMemory -Connection $c -Scope agent -ScopeId a_leak",
            ["Get-LoomcycleInterrupt"] = "Get-LoomcycleInterrupt -Connection $c -UserId u_leak",
            ["Resolve-LoomcycleInterrupt"] = "Resolve-LoomcycleInterrupt -Connection $c -RunId r_leak -InterruptId intr_leak -Answer yes -Confirm:$false",
            ["Register-LoomcycleHook"] = "Register-LoomcycleHook -Connection $c -Owner leak -Name scan -Phase pre -CallbackUrl https://callback.example/h -Confirm:$false",
            ["Get-LoomcycleHook"] = "Get-LoomcycleHook -Connection $c",
            ["Unregister-LoomcycleHook"] = "Unregister-LoomcycleHook -Connection $c -Id hook_leak -Confirm:$false",
        };

        /// <summary>
        /// Cmdlets whose invocation above sends no request carrying a secret, so no server can echo one back to them:
        /// every other cmdlet (of every area's table) must have had the canary sent back in each echo scenario.
        /// </summary>
        private static readonly HashSet<string> SendsNoToken = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "Connect-Loomcycle", // builds a connection; talks to no server
            "Get-LoomcycleConnection", // reads the session's connections
            "Disconnect-Loomcycle", // forgets a connection
            "Get-LoomcycleHealth", // GET /healthz is sent without the Authorization header
        };

        private readonly ITestOutputHelper _output;

        public TokenLeakTests(ITestOutputHelper output)
        {
            _output = output;
        }

        [Fact]
        public void EveryExportedCmdletHasAnInvocationAndEveryManifestCmdletIsInTheTable()
        {
            using var session = new PowerShellSession();
            List<string> exported = Exported(session);
            List<string> missingEntries = exported.Where(n => !Invocations.ContainsKey(n)).ToList();
            Assert.True(missingEntries.Count == 0, "Add an invocation to TokenLeakTests.Invocations for: " + string.Join(", ", missingEntries));

            string manifest = File.ReadAllText(PowerShellSession.ModuleManifest);
            var notInTable = Invocations.Keys.Where(k => !manifest.Contains("'" + k + "'")).ToList();
            Assert.True(notInTable.Count == 0, "Table entries the manifest does not export: " + string.Join(", ", notInTable));
            ReportNotYetExported(exported);
        }

        [Fact]
        public async Task TheTokenAppearsNowhereOnSuccessAndFailurePaths()
        {
            await using var server = await FakeLoomcycleServer.StartAsync(new FakeServerOptions { Token = Token, KeepaliveInterval = TimeSpan.FromMilliseconds(100) });
            await using var otherToken = await FakeLoomcycleServer.StartAsync(new FakeServerOptions { Token = "a-different-server-token-123" });
            int closedPort = ClosedPort();
            string exportPath = Path.Combine(Path.GetTempPath(), "lc-leak-" + Guid.NewGuid().ToString("N") + ".json");

            using var session = new PowerShellSession();
            List<string> exported = Exported(session);
            var canary = new LeakCanary(Token, UserBearer);
            var scenarios = new (string Name, Uri Url, EchoShape? Echo, Action<FakeLoomcycleServer?>? Arrange)[]
            {
                ("success", server.BaseUri, null, null),
                ("echo into 400 JSON / SSE error frames", server.BaseUri, EchoShape.Json400, null),
                ("echo into 500 text / SSE error frames", server.BaseUri, EchoShape.PlainText500, null),
                ("echo into a proxy's 502 HTML page", server.BaseUri, EchoShape.Html502, null),
                ("echo \\u-escaped into 400 JSON / SSE text and error frames", server.BaseUri, EchoShape.EscapedJson400, null),
                ("panic 500", server.BaseUri, null, s => { for (int i = 0; i < 8; i++) s!.Enqueue("*", "/v1/*", Faults.Panic()); }),
                ("401 wrong token", otherToken.BaseUri, null, null),
                ("connection refused", new Uri($"http://127.0.0.1:{closedPort}/"), null, null),
            };

            var leaks = new List<string>();
            var tableProblems = new List<string>();
            var silentCanaries = new List<string>();
            int runs = 0;
            int echoes = 0;
            foreach (var scenario in scenarios)
            {
                FakeLoomcycleServer? target = scenario.Url == server.BaseUri ? server : scenario.Url == otherToken.BaseUri ? otherToken : null;
                var variables = new Dictionary<string, object?>
                {
                    ["url"] = scenario.Url,
                    ["token"] = Secure(Token),
                    ["userBearer"] = Secure(UserBearer),
                    ["exportPath"] = exportPath,
                };
                session.Run("$c = Connect-Loomcycle -BaseUrl $url -Token $token -MaximumRetryCount 0 -PassThru; $global:Error.Clear()", variables).ThrowIfErrors();
                foreach (string name in exported.Where(Invocations.ContainsKey))
                {
                    target?.ClearOverrides();
                    canary.Reset();
                    if (scenario.Echo is EchoShape shape)
                    {
                        canary.Arm(target!, shape);
                    }

                    scenario.Arrange?.Invoke(target);
                    PowerShellResult result = session.Run(
                        "$DebugPreference = 'Continue'; $VerbosePreference = 'Continue'; $InformationPreference = 'Continue'; $WarningPreference = 'Continue'\n" + Invocations[name] + " -Verbose -Debug");
                    runs++;
                    echoes += canary.SentBack;
                    if (scenario.Echo is not null && !SendsNoToken.Contains(name))
                    {
                        try
                        {
                            canary.AssertSentBack($"{name} ({scenario.Name})");
                        }
                        catch (CanaryNotSentBackException ex)
                        {
                            silentCanaries.Add(ex.Message);
                        }
                    }

                    var bindingErrors = result.AllErrors.Where(e => e.Exception is ParameterBindingException || e.Exception is CommandNotFoundException).ToList();
                    if (bindingErrors.Count > 0)
                    {
                        tableProblems.Add($"{name}: {bindingErrors[0].Exception.Message}");
                    }

                    string seen = result.Everything() + "\n" + Serialized(session, result) + "\n" + DollarError(session);
                    foreach (string secret in new[] { Token, UserBearer })
                    {
                        if (seen.Contains(secret, StringComparison.Ordinal))
                        {
                            int at = seen.IndexOf(secret, StringComparison.Ordinal);
                            leaks.Add($"{scenario.Name} / {name}: ...{seen.Substring(Math.Max(0, at - 120), Math.Min(160, at))}...");
                        }
                    }

                    session.Run("$global:Error.Clear()");
                }

                target?.ClearOverrides();
                session.Run("Resume-LoomcycleRuntime -Connection $c -Confirm:$false -ErrorAction SilentlyContinue 2>$null");
            }

            File.Delete(exportPath);
            _output.WriteLine($"S1: {runs} cmdlet runs over {scenarios.Length} scenarios, {exported.Count(Invocations.ContainsKey)} cmdlets, {echoes} answers echoed a secret, {leaks.Count} leaks");
            ReportNotYetExported(exported);
            Assert.True(leaks.Count == 0, "The token leaked:\n" + string.Join("\n", leaks));
            Assert.True(tableProblems.Count == 0, "Fix these invocations in TokenLeakTests.Invocations:\n" + string.Join("\n", tableProblems));
            Assert.True(silentCanaries.Count == 0, string.Join("\n", silentCanaries));
            Assert.Contains(server.Requests, r => r.Header("Authorization") == "Bearer " + Token); // the token really was in use
        }

        private void ReportNotYetExported(List<string> exported)
        {
            var notYet = Invocations.Keys.Where(k => !exported.Contains(k, StringComparer.OrdinalIgnoreCase)).OrderBy(k => k).ToList();
            if (notYet.Count > 0)
            {
                _output.WriteLine($"Not exported yet, so not covered in this build ({notYet.Count}): {string.Join(", ", notYet)}");
            }
        }

        internal static List<string> Exported(PowerShellSession session) =>
            session.Run("(Get-Module Loomcycle).ExportedCmdlets.Keys").Output.Select(o => o.BaseObject.ToString()!).ToList();

        private static string Serialized(PowerShellSession session, PowerShellResult result)
        {
            var parts = new List<string>();
            foreach (object item in result.Output.Cast<object>().Concat(result.AllErrors))
            {
                try
                {
                    parts.Add(PSSerializer.Serialize(item, 3));
                }
                catch (Exception ex)
                {
                    parts.Add(ex.Message);
                }
            }

            return string.Join("\n", parts);
        }

        private static string DollarError(PowerShellSession session)
        {
            var result = session.Run("foreach ($e in $global:Error) { \"$e\"; \"$($e.Exception)\"; \"$($e.ErrorDetails)\"; \"$($e.TargetObject)\"; [System.Management.Automation.PSSerializer]::Serialize($e, 2) }");
            return string.Join("\n", result.Output.Select(o => o?.ToString()));
        }

        internal static System.Security.SecureString Secure(string text)
        {
            var secure = new System.Security.SecureString();
            foreach (char c in text)
            {
                secure.AppendChar(c);
            }

            return secure;
        }

        internal static int ClosedPort()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            return port;
        }
    }
}
