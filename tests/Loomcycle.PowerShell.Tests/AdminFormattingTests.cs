using System.Collections.Generic;
using System.Linq;
using System.Xml.Linq;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>Loomcycle.Admin.format.ps1xml: a view per administration type, and every script block runs under StrictMode on real objects.</summary>
    public sealed class AdminFormattingTests : IClassFixture<ServerAndSession>
    {
        private readonly ServerAndSession _fixture;

        public AdminFormattingTests(ServerAndSession fixture)
        {
            _fixture = fixture;
            _fixture.Server.Reset();
        }

        [Fact]
        public void EveryAdminViewScriptBlockRunsOnObjectsAsTheCmdletsWriteThem()
        {
            _fixture.Server.State.AddUserAccount(new Loomcycle.FakeServer.UserAccountRecord { Subject = "alice" });
            _fixture.Server.State.AddLimit(new Loomcycle.FakeServer.LimitRecord { Scope = "user", ScopeId = "alice", HardLimit = 10, Used = 5 });
            _fixture.Server.State.AddLimit(new Loomcycle.FakeServer.LimitRecord { Scope = "tenant", SoftLimit = 10 });
            _fixture.Server.State.AddAuditEvent("x", "{\"a\":1}");
            _fixture.Server.State.AddAgent(new Loomcycle.FakeServer.AgentRecord { AgentId = "a_1", RunId = "r_1", SessionId = "s_1", UserId = "alice", Status = "running" });
            var samples = new Dictionary<string, string>
            {
                ["Loomcycle.Identity"] = "Get-LoomcycleIdentity",
                ["Loomcycle.ServerConfiguration"] = "Get-LoomcycleServerConfiguration",
                ["Loomcycle.RunnableAgent"] = "Get-LoomcycleRunnableAgent",
                ["Loomcycle.UserAccount"] = "New-LoomcycleUser -Subject bob",
                ["Loomcycle.UserDirectoryEntry"] = "Get-LoomcycleUser -Subject alice -Tenant ''",
                ["Loomcycle.TenantSummary"] = "Get-LoomcycleTenant",
                ["Loomcycle.UserToken"] = "New-LoomcycleUserToken -Subject alice",
                ["Loomcycle.TokenRevocation"] = "Get-LoomcycleUserToken alice | Revoke-LoomcycleUserToken -PassThru",
                ["Loomcycle.OperatorToken"] = "New-LoomcycleOperatorToken -Name fmt -TenantId acme",
                ["Loomcycle.OperatorTokenName"] = "Get-LoomcycleOperatorToken",
                ["Loomcycle.UsageRow"] = "[Loomcycle.UsageRow]@{ UserId = 'alice'; Cost = 1.5; Currency = 'USD' }",
                ["Loomcycle.BudgetLimit"] = "Get-LoomcycleLimit",
                ["Loomcycle.ErasureReport"] = "Get-LoomcycleErasureReport -Subject alice -Tenant ''",
                ["Loomcycle.ErasureResult"] = "Invoke-LoomcycleErasure -Subject alice -Tenant '' -DryRun",
                ["Loomcycle.AuditEvent"] = "Get-LoomcycleAuditEvent",
                ["Loomcycle.ProviderStatus"] = "Get-LoomcycleResolver",
                ["Loomcycle.RoutingEntry"] = "Get-LoomcycleRouting",
                ["Loomcycle.ModelInfo"] = "Get-LoomcycleModel",
                ["Loomcycle.ConcurrencyStats"] = "Get-LoomcycleConcurrency",
                ["Loomcycle.MetricBucket"] = "Get-LoomcycleMetric",
                ["Loomcycle.ProcessSample"] = "Get-LoomcycleMetric -Since ([datetime]::UtcNow)",
                ["Loomcycle.RunMetrics"] = "Get-LoomcycleMetric -RunId r_1",
                ["Loomcycle.RetentionPolicy"] = "Get-LoomcycleRetention",
            };

            Dictionary<string, XElement> views = FormattingTests.Views("Loomcycle.Admin.format.ps1xml");
            Assert.Equal(views.Keys.OrderBy(k => k), samples.Keys.OrderBy(k => k));
            var problems = new List<string>();
            foreach (KeyValuePair<string, string> sample in samples)
            {
                var produced = _fixture.Session.Run("$global:sample = @(" + sample.Value + ")[0]; $global:sample.GetType().FullName").ThrowIfErrors();
                Assert.Equal(sample.Key, produced.Output.Single().ToString());
                foreach (string script in views[sample.Key].Descendants("ScriptBlock").Select(e => e.Value))
                {
                    var result = _fixture.Session.Run("Set-StrictMode -Version 3; $_ = $global:sample; " + script);
                    if (result.Terminating is not null || result.Errors.Count > 0)
                    {
                        problems.Add($"{sample.Key}: {script} failed: {result.Terminating?.Message} {string.Join("; ", result.Errors)}");
                    }
                }
            }

            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }
    }
}
