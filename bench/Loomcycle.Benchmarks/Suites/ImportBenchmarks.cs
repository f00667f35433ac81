using BenchmarkDotNet.Attributes;
using Loomcycle.Benchmarks.Infrastructure;
using Loomcycle.Benchmarks.Scenarios;

namespace Loomcycle.Benchmarks.Suites
{
    /// <summary>
    /// [6] Import-Module in a fresh runspace (this process: assemblies stay loaded after the first import, so this is
    /// the warm cost; the cold, new-process cost is in the measurements that follow a full run). Goal: within 50 ms.
    /// </summary>
    [InvocationCount(1)]
    public class ImportBenchmarks
    {
        private HostedRunspace? _fresh;

        [IterationSetup]
        public void OpenRunspace() => _fresh = new HostedRunspace();

        [IterationCleanup]
        public void CloseRunspace() => _fresh?.Dispose();

        [Benchmark(Baseline = true, Description = "Import-Module EmptyModule")]
        public double ImportEmpty() => ImportScenario.Import(_fresh!, HostedRunspace.EmptyManifest);

        [Benchmark(Description = "Import-Module Loomcycle")]
        public double ImportLoomcycle() => ImportScenario.Import(_fresh!, HostedRunspace.LoomcycleManifest);
    }
}
