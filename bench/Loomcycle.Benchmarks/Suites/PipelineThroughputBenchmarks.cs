using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Loomcycle.Benchmarks.Scenarios;

namespace Loomcycle.Benchmarks.Suites
{
    /// <summary>[2] Invoke-LoomcycleRun | Out-Null vs a compiled cmdlet doing the bare loop (Read-BenchStream) and writing the same events. Goal ≥ 0.95; Write-BenchObject (pre-built objects, no I/O) for reference.</summary>
    public class PipelineThroughputBenchmarks
    {
        private PipelineScenario _scenario = null!;

        [GlobalSetup]
        public async Task SetupAsync()
        {
            _scenario = await PipelineScenario.StartAsync(Sizes.Full.PipelineDeltas);
            _scenario.Verify();
        }

        [GlobalCleanup]
        public async Task CleanupAsync() => await _scenario.DisposeAsync();

        [Benchmark(Baseline = true, Description = "Read-BenchStream | Out-Null")]
        public void ReadBare() => _scenario.ReadBare();

        [Benchmark(Description = "Write-BenchObject | Out-Null")]
        public void WriteObjects() => _scenario.WriteObjects();

        [Benchmark(Description = "Invoke-LoomcycleRun | Out-Null")]
        public void InvokeRun() => _scenario.InvokeRun();
    }
}
