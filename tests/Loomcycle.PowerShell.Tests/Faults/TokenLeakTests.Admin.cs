using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.PowerShell.Tests.FaultTests
{
    /// <summary>
    /// Administration (issue 11). Besides the bearer token, a token the server mints (user tokens, operator tokens)
    /// is a second canary: shown once by the server, it may reach the user only as a SecureString.
    /// </summary>
    public sealed partial class TokenLeakTests
    {
        private const string MintedCanary = "lct_minted-canary-5Rt9Yw2Qe7Ui4";

        private static readonly Dictionary<string, string> AdminCmdlets = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Get-LoomcycleIdentity"] = "Get-LoomcycleIdentity -Connection $c",
            ["Get-LoomcycleServerConfiguration"] = "Get-LoomcycleServerConfiguration -Connection $c",
            ["Get-LoomcycleRunnableAgent"] = "Get-LoomcycleRunnableAgent -Connection $c",
            ["New-LoomcycleUser"] = "New-LoomcycleUser -Connection $c -Subject leak-user -Confirm:$false",
            ["Set-LoomcycleUser"] = "Set-LoomcycleUser -Connection $c -Subject leak-user -DisplayName Leak -PassThru -Confirm:$false",
            ["Remove-LoomcycleUser"] = "Remove-LoomcycleUser -Connection $c -Subject leak-gone -Confirm:$false",
            ["Get-LoomcycleTenant"] = "Get-LoomcycleTenant -Connection $c",
            ["New-LoomcycleUserToken"] = "New-LoomcycleUserToken -Connection $c -Subject leak-user -Confirm:$false",
            ["Get-LoomcycleUserToken"] = "Get-LoomcycleUserToken -Connection $c -Subject leak-user",
            ["Revoke-LoomcycleUserToken"] = "Revoke-LoomcycleUserToken -Connection $c -Subject leak-user -DefId def_leak -PassThru -Confirm:$false",
            ["New-LoomcycleOperatorToken"] = "New-LoomcycleOperatorToken -Connection $c -Name leakop -TenantId acme -Confirm:$false",
            ["Get-LoomcycleOperatorToken"] = "Get-LoomcycleOperatorToken -Connection $c",
            ["Update-LoomcycleOperatorToken"] = "Update-LoomcycleOperatorToken -Connection $c -Name leakrot -GraceSec 0 -Confirm:$false",
            ["Revoke-LoomcycleOperatorToken"] = "Revoke-LoomcycleOperatorToken -Connection $c -DefId def_leak -PassThru -Confirm:$false",
            ["Get-LoomcycleUsage"] = "Get-LoomcycleUsage -Connection $c -GroupBy user -From 2026-01-01",
            ["Get-LoomcycleLimit"] = "Get-LoomcycleLimit -Connection $c",
            ["Set-LoomcycleLimit"] = "Set-LoomcycleLimit -Connection $c -Scope user -ScopeId leak-user -HardLimit 5 -PassThru -Confirm:$false",
            ["Remove-LoomcycleLimit"] = "Remove-LoomcycleLimit -Connection $c -Scope user -ScopeId leak-user -Confirm:$false",
            ["Get-LoomcycleErasureReport"] = "Get-LoomcycleErasureReport -Connection $c -Subject leak-user -Tenant ''",
            ["Invoke-LoomcycleErasure"] = "Invoke-LoomcycleErasure -Connection $c -Subject leak-erased -Tenant '' -Confirm:$false",
            ["Get-LoomcycleAuditEvent"] = "Get-LoomcycleAuditEvent -Connection $c -First 5",
            ["Get-LoomcycleResolver"] = "Get-LoomcycleResolver -Connection $c -Probe",
            ["Get-LoomcycleRouting"] = "Get-LoomcycleRouting -Connection $c",
            ["Get-LoomcycleModel"] = "Get-LoomcycleModel -Connection $c -Provider anthropic",
            ["Get-LoomcycleConcurrency"] = "Get-LoomcycleConcurrency -Connection $c",
            ["Get-LoomcycleMetric"] = "Get-LoomcycleMetric -Connection $c -Period 1h",
            ["Get-LoomcycleRetention"] = "Get-LoomcycleRetention -Connection $c",
        };

        /// <summary>
        /// Every administration cmdlet, with the server minting <see cref="MintedCanary"/> for every token, on the success
        /// path and with echoing failures: neither the bearer token nor the minted token appears in any stream, error,
        /// $Error, ToString() of any output or property, or CLIXML. Minting cmdlets really minted (the canary was sent).
        /// </summary>
        [Fact]
        public async Task NeitherTheBearerNorAMintedTokenAppearsInAnyAdminOutput()
        {
            await using var server = await FakeLoomcycleServer.StartAsync(new FakeServerOptions { Token = Token });
            using var session = new PowerShellSession();
            var scenarios = new (string Name, Action<FakeLoomcycleServer>? Arrange)[]
            {
                ("success", null),
                ("echo into 400 JSON", s => new LeakCanary(Token, MintedCanary).Arm(s, EchoShape.Json400)),
                ("echo into 500 text", s => new LeakCanary(Token, MintedCanary).Arm(s, EchoShape.PlainText500)),
            };

            var leaks = new List<string>();
            var tableProblems = new List<string>();
            int mintsAnswered = 0;
            foreach (var scenario in scenarios)
            {
                session.Run("$c = Connect-Loomcycle -BaseUrl $url -Token $token -MaximumRetryCount 0 -PassThru -NoDefault; $global:Error.Clear()",
                    new Dictionary<string, object?> { ["url"] = server.BaseUri, ["token"] = Secure(Token) }).ThrowIfErrors();
                foreach (KeyValuePair<string, string> entry in AdminCmdlets)
                {
                    server.State.Clear();
                    server.ClearOverrides();
                    server.State.FixedMintedSecret = MintedCanary;
                    server.State.AddUserAccount(new UserAccountRecord { Subject = "leak-user" });
                    server.State.AddBearer(new BearerRecord { Secret = "lct_other_rotation_source_000001", Name = "leakrot", TenantId = "acme", Subject = "tok-leakrot", Scopes = new[] { "substrate:admin" }, Kind = "operator" });
                    scenario.Arrange?.Invoke(server);
                    int before = server.Requests.Count;
                    PowerShellResult result = session.Run(
                        "$DebugPreference = 'Continue'; $VerbosePreference = 'Continue'; $InformationPreference = 'Continue'; $WarningPreference = 'Continue'\n" + entry.Value + " -Verbose -Debug");
                    if (scenario.Arrange is null && entry.Key is "New-LoomcycleUserToken" or "New-LoomcycleOperatorToken" or "Update-LoomcycleOperatorToken")
                    {
                        Assert.True(result.Output.Count == 1, $"{entry.Key} minted nothing: {string.Join("; ", result.AllErrors.Select(e => e.ToString()))}");
                        Assert.IsType<System.Security.SecureString>(result.Output[0].Properties["Token"].Value);
                        mintsAnswered++;
                    }

                    var bindingErrors = result.AllErrors.Where(e => e.Exception is ParameterBindingException || e.Exception is CommandNotFoundException).ToList();
                    if (bindingErrors.Count > 0)
                    {
                        tableProblems.Add($"{entry.Key}: {bindingErrors[0].Exception.Message}");
                    }

                    string seen = result.Everything() + "\n" + Serialized(session, result) + "\n" + DollarError(session) + "\n" + ToStrings(result);
                    foreach (string secret in new[] { Token, MintedCanary })
                    {
                        int at = seen.IndexOf(secret, StringComparison.Ordinal);
                        if (at >= 0)
                        {
                            leaks.Add($"{scenario.Name} / {entry.Key}: ...{seen.Substring(Math.Max(0, at - 120), Math.Min(160, at))}...");
                        }
                    }

                    Assert.True(server.Requests.Count > before || entry.Key == "Set-LoomcycleLimit", $"{entry.Key} sent nothing in '{scenario.Name}'");
                    session.Run("$global:Error.Clear()");
                }
            }

            Assert.Equal(3, mintsAnswered);
            Assert.True(leaks.Count == 0, "A token leaked:\n" + string.Join("\n", leaks));
            Assert.True(tableProblems.Count == 0, "Fix these invocations in AdminCmdlets:\n" + string.Join("\n", tableProblems));
        }

        /// <summary>-AsPlainText is the one way to see the minted text, and only in PlainTextToken: not in ToString, views or diagnostics.</summary>
        [Fact]
        public async Task AsPlainTextPutsTheMintedTokenOnlyInPlainTextToken()
        {
            await using var server = await FakeLoomcycleServer.StartAsync(new FakeServerOptions());
            server.State.FixedMintedSecret = MintedCanary;
            server.State.AddUserAccount(new UserAccountRecord { Subject = "alice" });
            using var session = new PowerShellSession();
            session.Run($"Connect-Loomcycle -BaseUrl '{server.BaseUri}'").ThrowIfErrors();
            PowerShellResult result = session.Run("$m = New-LoomcycleUserToken -Subject alice -AsPlainText -Verbose -Debug; $m; \"$m\"; $m.ToString()").ThrowIfErrors();
            Assert.Equal(MintedCanary, result.Output[0].Properties["PlainTextToken"].Value);
            Assert.DoesNotContain(MintedCanary, result.Output[1].ToString() + result.Output[2].ToString() + string.Join("\n", result.Verbose) + string.Join("\n", result.Debug));
        }

        private static string ToStrings(PowerShellResult result)
        {
            var parts = new List<string>();
            foreach (PSObject item in result.Output)
            {
                parts.Add(item.ToString());
                foreach (PSPropertyInfo property in item.Properties)
                {
                    try
                    {
                        parts.Add(property.Value?.ToString() ?? string.Empty);
                    }
                    catch (Exception ex) when (ex is GetValueException or ExtendedTypeSystemException)
                    {
                        // A script property needs a runspace on this thread: nothing to read.
                    }
                }
            }

            return string.Join("\n", parts);
        }
    }
}
