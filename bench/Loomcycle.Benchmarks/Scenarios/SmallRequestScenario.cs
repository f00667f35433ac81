using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Loomcycle.Benchmarks.Infrastructure;

namespace Loomcycle.Benchmarks.Scenarios
{
    /// <summary>
    /// Scenario 5: many small requests through one connection. DELETE /v1/_snapshots/{id} N times: a raw HttpClient
    /// loop (baseline), the engine's DeleteSnapshotAsync loop, and (once it exists) one pipeline of N ids into
    /// Remove-LoomcycleSnapshot. Sockets opened are counted by the fake server.
    /// </summary>
    public sealed class SmallRequestScenario : IAsyncDisposable
    {
        private SmallRequestScenario(BenchServer server, int count, bool withRunspace)
        {
            Server = server;
            Ids = Enumerable.Range(1, count).Select(i => "snap_bench_" + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            if (withRunspace)
            {
                Runspace = HostedRunspace.ForLoomcycle(server.BaseUri);
                CmdletAvailable = Runspace.Run("@(Get-Command Remove-LoomcycleSnapshot -ErrorAction Ignore).Count")[0].BaseObject is int n && n > 0;
                // Snapshot objects, as Get-LoomcycleSnapshot emits them: -Id binds by property name.
                Runspace.Runspace.SessionStateProxy.SetVariable("benchSnapshots", Ids.Select(id => new Snapshot { Id = id }).ToArray());
            }
        }

        public BenchServer Server { get; }

        public string[] Ids { get; }

        public HostedRunspace? Runspace { get; }

        /// <summary>True once Remove-LoomcycleSnapshot is implemented (after main's snapshot cmdlets are merged).</summary>
        public bool CmdletAvailable { get; }

        public int ConnectionsOpened => Server.Server.ConnectionsOpened;

        public static async Task<SmallRequestScenario> StartAsync(int count, bool withRunspace = true) =>
            new SmallRequestScenario(await BenchServer.StartAsync().ConfigureAwait(false), count, withRunspace);

        public async Task BareAsync()
        {
            foreach (string id in Ids)
            {
                using HttpResponseMessage response = await Server.Bare.DeleteAsync("v1/_snapshots/" + Uri.EscapeDataString(id)).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
            }

            Server.Server.ClearRequests();
        }

        public async Task EngineAsync()
        {
            foreach (string id in Ids)
            {
                await Server.Connection.DeleteSnapshotAsync(id).ConfigureAwait(false);
            }

            Server.Server.ClearRequests();
        }

        public void Cmdlet()
        {
            if (!CmdletAvailable || Runspace is null)
            {
                throw new InvalidOperationException("Remove-LoomcycleSnapshot is not implemented on this branch yet.");
            }

            Runspace.Run("$benchSnapshots | Remove-LoomcycleSnapshot -Force");
            Server.Server.ClearRequests();
        }

        public async ValueTask DisposeAsync()
        {
            Runspace?.Dispose();
            await Server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
