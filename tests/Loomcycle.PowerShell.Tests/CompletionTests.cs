using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>
    /// Tab completion through TabExpansion2 in the hosted runspace, as a user presses Tab. The server-backed
    /// completers are tested on stand-in functions that carry them, and then on the cmdlets themselves (a cmdlet
    /// missing from the build fails those tests).
    /// </summary>
    public sealed class CompletionTests : IClassFixture<ServerAndSession>
    {
        private static readonly TimeSpan HangDetector = TimeSpan.FromSeconds(60);
        private readonly ServerAndSession _fixture;

        public CompletionTests(ServerAndSession fixture)
        {
            _fixture = fixture;
        }

        private FakeLoomcycleServer Server => _fixture.Server;

        private PowerShellSession Session => _fixture.Session;

        /// <summary>Defines the stand-in functions and a fresh connection object $c (its own completion cache).</summary>
        private void Prepare()
        {
            Session.Run(@"
function Test-SnapshotId { param([ArgumentCompleter([Loomcycle.PowerShell.SnapshotIdCompleter])][string]$Id, [object]$Connection) }
function Test-HookId { param([ArgumentCompleter([Loomcycle.PowerShell.HookIdCompleter])][string]$Id, [object]$Connection) }
function Test-ScopeId { param([string]$Scope, [ArgumentCompleter([Loomcycle.PowerShell.MemoryScopeIdCompleter])][string]$ScopeId, [object]$Connection) }
function Test-AgentId { param([string]$UserId, [ArgumentCompleter([Loomcycle.PowerShell.AgentIdCompleter])][string]$AgentId, [object]$Connection) }
$c = Connect-Loomcycle -BaseUrl '" + Server.BaseUri + "' -PassThru -NoDefault").ThrowIfErrors();
        }

        private List<CompletionResult> Complete(string input)
        {
            var result = Session.Run("(TabExpansion2 -inputScript $__input -cursorColumn $__input.Length).CompletionMatches", new Dictionary<string, object?> { ["__input"] = input });
            result.ThrowIfErrors();
            return result.Output.Select(o => (CompletionResult)o.BaseObject).ToList();
        }

        private int RequestsTo(string path) => Server.Requests.Count(r => r.Path == path);

        [Fact]
        public void FixedValuesOfInvokeLoomcycleRunComeFromItsValidateSet()
        {
            var values = Complete("Invoke-LoomcycleRun -Agent echo -WebSearchFilter ").Select(c => c.CompletionText).ToList();
            Assert.Equal(new[] { "drop", "keep" }, values.OrderBy(v => v));
            Assert.Equal(new[] { "keep" }, Complete("Invoke-LoomcycleRun -Agent echo -WebSearchFilter k").Select(c => c.CompletionText));
        }

        [Fact]
        public void SnapshotIdsComeFromTheServerWithLabelAndSizeAsTooltip()
        {
            Server.State.AddGeneratedSnapshot("snap_1767225600000_aaaa0001", 12_897_485, "before-deploy", DateTimeOffset.UtcNow.AddHours(-2));
            Server.State.AddGeneratedSnapshot("snap_1767225600000_bbbb0002", 2048, "nightly", DateTimeOffset.UtcNow.AddDays(-1));
            Prepare();
            var all = Complete("Test-SnapshotId -Connection $c -Id ");
            Assert.Contains(all, c => c.CompletionText == "snap_1767225600000_aaaa0001" && c.ToolTip.Contains("before-deploy") && c.ToolTip.Contains("MB"));
            Assert.Contains(all, c => c.CompletionText == "snap_1767225600000_bbbb0002" && c.ToolTip.Contains("nightly") && c.ToolTip.Contains("2.0 KB"));
            Assert.All(all, c => Assert.Equal(CompletionResultType.ParameterValue, c.ResultType));

            var narrowed = Complete("Test-SnapshotId -Connection $c -Id snap_1767225600000_b");
            Assert.Equal("snap_1767225600000_bbbb0002", Assert.Single(narrowed).CompletionText);
        }

        [Fact]
        public void ASecondCompletionWithinTheCacheWindowSendsNoRequest()
        {
            Server.State.AddGeneratedSnapshot("snap_1767225600000_cccc0003", 1000, "cached");
            Prepare();
            Server.ClearRequests();
            Assert.NotEmpty(Complete("Test-SnapshotId -Connection $c -Id "));
            Assert.Equal(1, RequestsTo("/v1/_snapshots"));

            Assert.NotEmpty(Complete("Test-SnapshotId -Connection $c -Id snap_"));
            Assert.NotEmpty(Complete("Test-SnapshotId -Connection $c -Id "));
            Assert.Equal(1, RequestsTo("/v1/_snapshots"));

            // Another connection object has its own cache.
            Prepare();
            Assert.NotEmpty(Complete("Test-SnapshotId -Connection $c -Id "));
            Assert.Equal(2, RequestsTo("/v1/_snapshots"));
        }

        [Fact]
        public async Task ASilentServerCostsOnlyTheGuardAndYieldsNothing()
        {
            Server.State.AddGeneratedSnapshot("snap_1767225600000_dddd0004", 1000, "unseen");
            Prepare();
            Server.ClearRequests();
            // The server accepts the request and then never answers; it notes when the client gives up (closes the request).
            var gaveUp = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
            Server.Enqueue("GET", "/v1/_snapshots", async ctx =>
            {
                try
                {
                    await Task.Delay(System.Threading.Timeout.Infinite, ctx.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    gaveUp.TrySetResult(DateTimeOffset.UtcNow);
                }
            });

            // Without the guard this would wait for the connection's 100 s request timeout and fail the hang detector.
            List<CompletionResult> results = await Task.Run(() => Complete("Test-SnapshotId -Connection $c -Id ")).WaitAsync(HangDetector);
            Assert.Empty(results);
            Assert.Equal(1, RequestsTo("/v1/_snapshots"));
            Assert.Equal(0, Server.PendingOverrides);

            // What the user waited: from the request's arrival to the client closing it. The guard is 1.5 s; the bound is
            // generous for a loaded 2-core machine (waiting is only ever longer under load, so the lower bound is safe) and
            // still fails a guard of 5 s or more.
            TimeSpan waited = await gaveUp.Task.WaitAsync(HangDetector) - Server.Requests.Single(r => r.Path == "/v1/_snapshots").ReceivedAt;
            Assert.InRange(waited, TimeSpan.FromSeconds(1.2), TimeSpan.FromSeconds(5));

            // The failure is remembered briefly: pressing Tab again does not wait on the server again.
            Assert.Empty(await Task.Run(() => Complete("Test-SnapshotId -Connection $c -Id ")).WaitAsync(HangDetector));
            Assert.Equal(1, RequestsTo("/v1/_snapshots"));
        }

        [Fact]
        public async Task AnAbsentServerYieldsNothingAndNoError()
        {
            Prepare();
            List<CompletionResult> results = await Task.Run(() =>
            {
                Session.Run("$gone = Connect-Loomcycle -BaseUrl http://127.0.0.1:1 -PassThru -NoDefault").ThrowIfErrors();
                return Complete("Test-HookId -Connection $gone -Id ");
            }).WaitAsync(HangDetector);
            Assert.Empty(results);
        }

        [Fact]
        public void WithoutConnectionTheCurrentConnectionIsUsed()
        {
            Server.State.AddHook(new HookRecord { Owner = "current-conn", Name = "scan", Phase = "pre", CallbackUrl = "https://callback.local/current" });
            Prepare();
            var hooks = Complete("Test-HookId -Id ");
            CompletionResult hook = Assert.Single(hooks, c => c.ToolTip.Contains("current-conn/scan"));
            Assert.StartsWith("hook_", hook.CompletionText);
            Assert.Contains("(pre)", hook.ToolTip);
            Assert.Contains("https://callback.local/current", hook.ToolTip);
        }

        [Fact]
        public void ScopeIdsNeedTheScopeAndComeFromTheServer()
        {
            Server.State.AddMemory("agent", "researcher", "k1", "1");
            Server.State.AddMemory("agent", "researcher", "k2", "\"two\"");
            Server.State.AddMemory("agent", "writer", "k1", "1");
            Server.State.AddMemory("user", "u1", "prefs", "{}");
            Prepare();
            Server.ClearRequests();
            Assert.Empty(Complete("Test-ScopeId -Connection $c -ScopeId "));
            Assert.Empty(Server.Requests); // nothing to ask without -Scope

            var agentScope = Complete("Test-ScopeId -Connection $c -Scope agent -ScopeId ");
            Assert.Contains(agentScope, c => c.CompletionText == "writer");
            Assert.DoesNotContain(agentScope, c => c.CompletionText == "u1");
            Assert.Contains("agent/researcher · 2 keys", agentScope.Single(c => c.CompletionText == "researcher").ToolTip);
            var userScope = Complete("Test-ScopeId -Connection $c -Scope user -ScopeId ").Select(c => c.CompletionText).ToList();
            Assert.Contains("u1", userScope);
            Assert.DoesNotContain("researcher", userScope);
        }

        [Fact]
        public void AgentIdsComeFromTheUserGivenByUserId()
        {
            Server.State.AddAgent("a_compl_run", userId: "ucomp", status: "running", live: true, agent: "researcher");
            Server.State.AddAgent("a_compl_done", userId: "ucomp", status: "completed");
            Server.State.AddAgent("a_other_user", userId: "uother", status: "running", live: true);
            Prepare();
            var agents = Complete("Test-AgentId -Connection $c -UserId ucomp -AgentId ");
            Assert.Equal(new[] { "a_compl_run", "a_compl_done" }, agents.Select(c => c.CompletionText)); // running first
            Assert.Contains("researcher · running", agents[0].ToolTip);

            // Without -UserId: the running agents of the active users.
            var running = Complete("Test-AgentId -Connection $c -AgentId a_").Select(c => c.CompletionText).ToList();
            Assert.Contains("a_compl_run", running);
            Assert.Contains("a_other_user", running);
            Assert.DoesNotContain("a_compl_done", running);
        }

        [Fact]
        public void IdsThatNeedQuotingAreQuoted()
        {
            Server.State.AddMemory("user", "acme corp", "k", "1");
            Prepare();
            Assert.Equal("'acme corp'", Assert.Single(Complete("Test-ScopeId -Connection $c -Scope user -ScopeId acme")).CompletionText);
            Assert.Equal("'acme corp'", Assert.Single(Complete("Test-ScopeId -Connection $c -Scope user -ScopeId 'acme")).CompletionText);
        }

        // --- The completers on the cmdlets themselves: a cmdlet missing from the build fails these (never a skip). ---

        [Fact]
        public void SnapshotCmdletsCompleteTheirIdFromTheServer()
        {
            Server.State.AddGeneratedSnapshot("snap_1767225600000_eeee0005", 1000, "design");
            Session.Run("Connect-Loomcycle -BaseUrl '" + Server.BaseUri + "'").ThrowIfErrors();
            foreach (string cmdlet in new[] { "Get-LoomcycleSnapshot", "Remove-LoomcycleSnapshot", "Export-LoomcycleSnapshot", "Restore-LoomcycleSnapshot" })
            {
                Assert.Contains(Complete(cmdlet + " -Id snap_1767225600000_e"), c => c.CompletionText == "snap_1767225600000_eeee0005");
            }
        }

        [Fact]
        public void UnregisterLoomcycleHookCompletesHookIds()
        {
            HookRecord hook = Server.State.AddHook(new HookRecord { Owner = "design", Name = "h", Phase = "post", CallbackUrl = "https://callback.local/d" });
            Session.Run("Connect-Loomcycle -BaseUrl '" + Server.BaseUri + "'").ThrowIfErrors();
            Assert.Contains(Complete("Unregister-LoomcycleHook -Id hook_"), c => c.CompletionText == hook.Id);
        }

        [Fact]
        public void GetLoomcycleMemoryCompletesScopeIdsOfTheGivenScope()
        {
            Server.State.AddMemory("agent", "design-scope", "k", "1");
            Session.Run("Connect-Loomcycle -BaseUrl '" + Server.BaseUri + "'").ThrowIfErrors();
            Assert.Contains(Complete("Get-LoomcycleMemory -Scope agent -ScopeId design-"), c => c.CompletionText == "design-scope");
        }

        [Fact]
        public void AgentCmdletsCompleteAgentIds()
        {
            Server.State.AddAgent("a_design_run", userId: "udesign", status: "running", live: true);
            Session.Run("Connect-Loomcycle -BaseUrl '" + Server.BaseUri + "'").ThrowIfErrors();
            Assert.Contains(Complete("Get-LoomcycleAgent -UserId udesign -AgentId a_design"), c => c.CompletionText == "a_design_run");
            Assert.Contains(Complete("Stop-LoomcycleAgent -AgentId a_design"), c => c.CompletionText == "a_design_run");
        }

        [Fact]
        public void InterruptStatusCompletesTheServersStatuses()
        {
            var values = Complete("Get-LoomcycleInterrupt -UserId u1 -Status ").Select(c => c.CompletionText).OrderBy(v => v);
            Assert.Equal(new[] { "all", "cancelled", "declined", "pending", "resolved", "timed_out" }, values);
        }

        [Fact]
        public void RegisterLoomcycleHookCompletesPhaseAndFailMode()
        {
            Assert.Equal(new[] { "post", "pre" }, Complete("Register-LoomcycleHook -Phase ").Select(c => c.CompletionText).OrderBy(v => v));
            Assert.Equal(new[] { "closed", "open" }, Complete("Register-LoomcycleHook -FailMode ").Select(c => c.CompletionText).OrderBy(v => v));
        }
    }
}
