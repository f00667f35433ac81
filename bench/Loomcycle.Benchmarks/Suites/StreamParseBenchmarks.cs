using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Loomcycle.Benchmarks.Infrastructure;
using Loomcycle.Benchmarks.Scenarios;

namespace Loomcycle.Benchmarks.Suites
{
    /// <summary>[1, diagnosis] The same corpus from memory: the engine's own cost per event, without loopback noise.</summary>
    public class StreamParseBenchmarks
    {
        private ParseScenario _scenario = null!;

        [Params(StreamShape.TextDeltas, StreamShape.ToolResults)]
        public StreamShape Shape { get; set; }

        /// <summary>True: every read returns one frame, as when the server flushes each event (loomcycle does).</summary>
        [Params(false, true)]
        public bool FramePerRead { get; set; }

        [GlobalSetup]
        public void Setup() =>
            _scenario = new ParseScenario(Shape, Shape == StreamShape.TextDeltas ? Sizes.Full.TextDeltas : Sizes.Full.ToolResults, Sizes.Full.ToolResultBytes, FramePerRead);

        [GlobalCleanup]
        public void Cleanup() => _scenario.Dispose();

        [Benchmark(Baseline = true, Description = "SseParser+STJ (memory)")]
        public Task<int> Bare() => _scenario.BareAsync();

        [Benchmark(Description = "RunStream (memory)")]
        public Task<int> Engine() => _scenario.EngineAsync();
    }
}
