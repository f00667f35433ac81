using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Loomcycle.Benchmarks.Infrastructure;
using Loomcycle.FakeServer;

namespace Loomcycle.Benchmarks.Scenarios
{
    /// <summary>
    /// Scenario 8c (issue 15 goal 6): <c>Sync-LoomcycleDefinition</c> over N unchanged agent definitions sends no write
    /// and takes at most 2 × the time of listing them with <c>Get-LoomcycleDefinition -Kind Agent</c>. The folder holds
    /// agent/d_bench_NNNN.json; a first sync creates them (not timed), every timed sync finds them Unchanged. A second
    /// reference reads every active version with Get-LoomcycleDefinition (the list plus one op get per name: what the
    /// sync must read as well, since the server has no bulk read of definition bodies).
    /// </summary>
    public sealed class DefinitionSyncScenario : IAsyncDisposable
    {
        /// <summary>Definition ops that only read (every definition route is a POST with an op).</summary>
        private static readonly HashSet<string> ReadOps = new(StringComparer.Ordinal) { "get", "list" };

        private DefinitionSyncScenario(BenchServer server, HostedRunspace runspace, int count, string folder)
        {
            Server = server;
            Runspace = runspace;
            Count = count;
            Folder = folder;
            Runspace.Runspace.SessionStateProxy.SetVariable("benchDefinitions", folder);
        }

        public BenchServer Server { get; }

        public HostedRunspace Runspace { get; }

        public int Count { get; }

        public string Folder { get; }

        /// <summary>What the latest sync sent, by kind: reads (GET, POST op get/list) and writes (anything else).</summary>
        public (int Requests, int Posts, int Writes, string? FirstWrite, int VersionsAdded) LastSync { get; private set; }

        public static async Task<DefinitionSyncScenario> StartAsync(int count)
        {
            string folder = Path.Combine(Path.GetTempPath(), "loomcycle-bench-sync-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            string agents = Directory.CreateDirectory(Path.Combine(folder, "agent")).FullName;
            for (int i = 0; i < count; i++)
            {
                string name = "d_bench_" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
                File.WriteAllText(Path.Combine(agents, name + ".json"),
                    $"{{\"model\":\"fake-model\",\"system_prompt\":\"You are bench agent {i}.\",\"max_turns\":{1 + (i % 7)}}}");
            }

            BenchServer server = await BenchServer.StartAsync().ConfigureAwait(false);
            var s = new DefinitionSyncScenario(server, HostedRunspace.ForLoomcycle(server.BaseUri), count, folder);
            s.Runspace.Run("Sync-LoomcycleDefinition -Path $benchDefinitions -Confirm:$false | Out-Null"); // creates them
            return s;
        }

        /// <summary>One sync, checked: every result Unchanged, and the request log classified.</summary>
        public void Sync()
        {
            int versionsBefore = Server.Server.State.Definitions.Count;
            Server.Server.ClearRequests();
            object unchanged = Runspace.Run("@(Sync-LoomcycleDefinition -Path $benchDefinitions | Where-Object Action -eq 'Unchanged').Count")[0].BaseObject;
            IReadOnlyList<RecordedRequest> log = Server.Server.Requests;
            string? firstWrite = null;
            int writes = 0;
            foreach (RecordedRequest r in log)
            {
                bool write = r.Method switch
                {
                    "GET" or "HEAD" => false,
                    "POST" => !(r.Json is JsonElement body && body.ValueKind == JsonValueKind.Object && body.TryGetProperty("op", out JsonElement op) && op.ValueKind == JsonValueKind.String && ReadOps.Contains(op.GetString()!)),
                    _ => true,
                };
                if (write)
                {
                    writes++;
                    firstWrite ??= r.ToString();
                }
            }

            LastSync = (log.Count, log.Count(r => r.Method == "POST"), writes, firstWrite, Server.Server.State.Definitions.Count - versionsBefore);
            if (unchanged is not int n || n != Count)
            {
                throw new InvalidOperationException($"Sync-LoomcycleDefinition found {unchanged} of {Count} definitions unchanged.");
            }
        }

        /// <summary>Timed body of a sync (the checks above run outside the timing in <see cref="Sync"/>'s caller).</summary>
        public void SyncOnly() => Runspace.Run("Sync-LoomcycleDefinition -Path $benchDefinitions | Out-Null");

        /// <summary>
        /// As <see cref="SyncOnly"/> or <see cref="List"/> (<paramref name="sync"/> false), with the server answering every
        /// request after <paramref name="latency"/>, as a server across a network does: the listing's GET and, for the sync,
        /// each op get (the fake's one-shot overrides, all consumed).
        /// </summary>
        public void WithLatency(TimeSpan latency, bool sync)
        {
            Server.Server.ClearOverrides();
            Server.Server.Enqueue("GET", "/v1/_agentdef/names", Faults.Delayed(latency));
            for (int i = 0; sync && i < Count; i++)
            {
                Server.Server.Enqueue("POST", "/v1/_agentdef", Faults.Delayed(latency));
            }

            if (sync)
            {
                SyncOnly();
            }
            else
            {
                List();
            }

            if (Server.Server.PendingOverrides != 0)
            {
                throw new InvalidOperationException($"{Server.Server.PendingOverrides} delayed answers were not asked for.");
            }
        }

        /// <summary>The listing: <c>Get-LoomcycleDefinition -Kind Agent</c> (one GET /v1/_agentdef/names).</summary>
        public void List() => Runspace.Run("Get-LoomcycleDefinition -Kind Agent | Out-Null");

        /// <summary>Reads every active version: the listing, then <c>Get-LoomcycleDefinition -DefId</c> per name.</summary>
        public void ReadAll() => Runspace.Run("Get-LoomcycleDefinition -Kind Agent | ForEach-Object { Get-LoomcycleDefinition -Kind Agent -DefId $_.ActiveDefId } | Out-Null");

        public async ValueTask DisposeAsync()
        {
            Runspace.Dispose();
            await Server.DisposeAsync().ConfigureAwait(false);
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
