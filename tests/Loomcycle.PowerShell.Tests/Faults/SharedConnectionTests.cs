using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;
using Xunit.Abstractions;
using static Loomcycle.PowerShell.Tests.FaultTests.FaultKit;

namespace Loomcycle.PowerShell.Tests.FaultTests
{
    /// <summary>One connection object shared by several runspaces at once: the token travels inside it, sockets are pooled, nothing is lost.</summary>
    [Collection(FaultCollection.Name)]
    public sealed class SharedConnectionTests
    {
        private const string Token = "shared-conn-token-5Gh2Lp9Qw";
        private readonly ITestOutputHelper _output;

        public SharedConnectionTests(ITestOutputHelper output)
        {
            _output = output;
        }

        [Fact]
        public async Task AConnectionHandedToOtherRunspacesWorksThereConcurrentlyWithoutTheToken()
        {
            await using var server = await FakeLoomcycleServer.StartAsync(new FakeServerOptions { Token = Token });
            using var owner = new PowerShellSession();
            PSObject connection = Assert.Single(owner.Run(
                $"Connect-Loomcycle {Quote(server.BaseUri.ToString())} -Token $token -PassThru -NoDefault",
                new Dictionary<string, object?> { ["token"] = TokenLeakTests.Secure(Token) }).ThrowIfErrors().Output);
            object shared = connection.BaseObject;

            var sessions = Enumerable.Range(0, 4).Select(_ => new PowerShellSession()).ToList();
            try
            {
                // Each runspace: 20 authenticated runs and 230 health calls, all at the same time as the others (1,000 calls in all).
                const string script = @"
$runs = 1..20 | ForEach-Object { Invoke-LoomcycleRun -Connection $shared -Agent echo -Prompt ""r$_"" -AsResult }
$health = 1..230 | ForEach-Object { Get-LoomcycleHealth -Connection $shared }
[pscustomobject]@{ Succeeded = @($runs | Where-Object Succeeded).Count; Texts = @($runs | ForEach-Object Text); Healthy = @($health | Where-Object Ok).Count }
";
                var running = new List<(System.Management.Automation.PowerShell Ps, IAsyncResult Result)>();
                foreach (PowerShellSession session in sessions)
                {
                    session.Runspace.SessionStateProxy.SetVariable("shared", shared);
                    System.Management.Automation.PowerShell ps = session.Create(script);
                    running.Add((ps, ps.BeginInvoke()));
                }

                foreach (var (ps, result) in running)
                {
                    PSDataCollection<PSObject> output = await Task.Run(() => ps.EndInvoke(result)).WaitAsync(TimeSpan.FromMinutes(3));
                    Assert.Empty(ps.Streams.Error);
                    PSObject summary = Assert.Single(output);
                    Assert.Equal(20, summary.Properties["Succeeded"].Value);
                    Assert.Equal(Enumerable.Range(1, 20).Select(i => "r" + i), ((object[])summary.Properties["Texts"].Value).Select(t => t.ToString()));
                    Assert.Equal(230, summary.Properties["Healthy"].Value);
                    ps.Dispose();
                }

                Assert.Equal(80, server.Requests.Count(r => r.Path == "/v1/runs" && r.Header("Authorization") == "Bearer " + Token));
                Assert.Equal(920, server.Requests.Count(r => r.Path == "/healthz"));
                Assert.InRange(server.ConnectionsOpened, 1, 16); // four callers at a time share a handful of pooled sockets
                _output.WriteLine($"1,000 calls from 4 runspaces on one connection object: {server.ConnectionsOpened} TCP connections opened");
            }
            finally
            {
                sessions.ForEach(s => s.Dispose());
            }
        }
    }
}
