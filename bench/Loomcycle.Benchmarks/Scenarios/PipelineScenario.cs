using System;
using System.Threading.Tasks;
using Loomcycle.Benchmarks.Infrastructure;
using Loomcycle.FakeServer;
using Microsoft.AspNetCore.Http;

namespace Loomcycle.Benchmarks.Scenarios
{
    /// <summary>
    /// Scenario 2: `Invoke-LoomcycleRun … | Out-Null` in a hosted runspace, against a compiled cmdlet that reads the same
    /// stream with the bare loop on the pipeline thread and writes each event (`Read-BenchStream | Out-Null`); and, for
    /// reference, one that writes as many pre-built RunEvent objects (`Write-BenchObject | Out-Null`).
    /// </summary>
    public sealed class PipelineScenario : IAsyncDisposable
    {
        private readonly Func<HttpContext, Task> _handler;

        private PipelineScenario(BenchServer server, Corpus corpus, HostedRunspace runspace)
        {
            Server = server;
            Corpus = corpus;
            Runspace = runspace;
            _handler = Faults.RawSse(corpus.Chunks);
            BenchShared.Objects = corpus.ParseAll();
            BenchShared.Client = server.Bare;
        }

        public BenchServer Server { get; }

        public Corpus Corpus { get; }

        public HostedRunspace Runspace { get; }

        public static async Task<PipelineScenario> StartAsync(int deltas)
        {
            BenchServer server = await BenchServer.StartAsync().ConfigureAwait(false);
            return new PipelineScenario(server, Corpus.Build(StreamShape.TextDeltas, deltas), HostedRunspace.ForLoomcycle(server.BaseUri));
        }

        /// <summary>The ceiling: a compiled cmdlet's WriteObject loop over pre-built objects.</summary>
        public void WriteObjects()
        {
            Runspace.Run("Write-BenchObject | Out-Null");
        }

        /// <summary>The baseline of issue 15: a compiled cmdlet doing the bare HttpClient + SseParser + STJ loop and writing each event.</summary>
        public void ReadBare()
        {
            Server.NextRun(_handler);
            Runspace.Run("Read-BenchStream | Out-Null");
        }

        /// <summary>The bare loop with async reads, the pipeline thread sleeping while a read waits (diagnosis only).</summary>
        public void ReadBareAsync()
        {
            Server.NextRun(_handler);
            Runspace.Run("Read-BenchStream -Async | Out-Null");
        }

        /// <summary>The module: HTTP, SSE, JSON, the pipeline bridge and WriteObject.</summary>
        public void InvokeRun()
        {
            Server.NextRun(_handler);
            Runspace.Run("Invoke-LoomcycleRun -Agent chatty -Prompt 1 | Out-Null");
        }

        /// <summary>Both paths emit the same number of objects (checked once, outside the timing).</summary>
        public void Verify()
        {
            Server.NextRun(_handler);
            int module = (int)Runspace.Run("Invoke-LoomcycleRun -Agent chatty -Prompt 1 | Set-BenchArrival")[0].BaseObject;
            int baseline = (int)Runspace.Run("Write-BenchObject | Set-BenchArrival")[0].BaseObject;
            Server.NextRun(_handler);
            int bare = (int)Runspace.Run("Read-BenchStream | Set-BenchArrival")[0].BaseObject;
            if (module != Corpus.Events || baseline != Corpus.Events || bare != Corpus.Events)
            {
                throw new InvalidOperationException($"Invoke-LoomcycleRun wrote {module} objects and Write-BenchObject {baseline}, Read-BenchStream {bare}; expected {Corpus.Events}.");
            }
        }

        public async ValueTask DisposeAsync()
        {
            Runspace.Dispose();
            await Server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
