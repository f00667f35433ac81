using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Loomcycle.Benchmarks.Scenarios;

namespace Loomcycle.Benchmarks.Suites
{
    /// <summary>[2] Invoke-LoomcycleRun | Out-Null vs a compiled cmdlet writing as many pre-built objects. Goal ≥ 0.85.</summary>
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

        [Benchmark(Baseline = true, Description = "Write-BenchObject | Out-Null")]
        public void WriteObjects() => _scenario.WriteObjects();

        [Benchmark(Description = "Invoke-LoomcycleRun | Out-Null")]
        public void InvokeRun() => _scenario.InvokeRun();
    }
}
