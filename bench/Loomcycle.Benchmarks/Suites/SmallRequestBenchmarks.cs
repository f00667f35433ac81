using System;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Loomcycle.Benchmarks.Scenarios;

namespace Loomcycle.Benchmarks.Suites
{
    /// <summary>[5] 10 000 DELETE /v1/_snapshots/{id} through one connection vs a raw HttpClient loop. Goal ≥ 0.8.</summary>
    public class SmallRequestBenchmarks
    {
        private SmallRequestScenario _scenario = null!;
        private int _connectionsAtStart;

        [GlobalSetup]
        public async Task SetupAsync()
        {
            _scenario = await SmallRequestScenario.StartAsync(Sizes.Full.Deletes);
            _connectionsAtStart = _scenario.ConnectionsOpened;
        }

        [GlobalCleanup]
        public async Task CleanupAsync()
        {
            Console.WriteLine($"// sockets opened during this benchmark: {_scenario.ConnectionsOpened - _connectionsAtStart}");
            await _scenario.DisposeAsync();
        }

        [Benchmark(Baseline = true, Description = "HttpClient DELETE loop")]
        public Task Bare() => _scenario.BareAsync();

        [Benchmark(Description = "DeleteSnapshotAsync loop")]
        public Task Engine() => _scenario.EngineAsync();

        [Benchmark(Description = "$snapshots | Remove-LoomcycleSnapshot -Force")]
        public void Cmdlet() => _scenario.Cmdlet();
    }
}
