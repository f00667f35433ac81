using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Loomcycle.Benchmarks.Infrastructure;
using Loomcycle.Benchmarks.Scenarios;

namespace Loomcycle.Benchmarks.Suites
{
    /// <summary>[1] SSE bytes from loopback → RunEvent objects: engine vs HttpClient + SseParser + System.Text.Json. Goal ≥ 0.9.</summary>
    public class StreamThroughputBenchmarks
    {
        private StreamScenario _scenario = null!;

        [Params(StreamShape.TextDeltas, StreamShape.ToolResults)]
        public StreamShape Shape { get; set; }

        [GlobalSetup]
        public async Task SetupAsync() =>
            _scenario = await StreamScenario.StartAsync(Shape, Shape == StreamShape.TextDeltas ? Sizes.Full.TextDeltas : Sizes.Full.ToolResults, Sizes.Full.ToolResultBytes);

        [GlobalCleanup]
        public async Task CleanupAsync() => await _scenario.DisposeAsync();

        [Benchmark(Baseline = true, Description = "HttpClient+SseParser+STJ")]
        public Task<int> Bare() => _scenario.BareAsync();

        [Benchmark(Description = "RunStream.ReadEventsAsync")]
        public Task<int> Engine() => _scenario.EngineAsync();
    }
}
