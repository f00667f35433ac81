using System;
using System.Diagnostics;
using System.Threading.Tasks;
using Loomcycle.Benchmarks.Infrastructure;
using Loomcycle.Benchmarks.Scenarios;

namespace Loomcycle.Benchmarks
{
    /// <summary>Best-of timing of the in-memory parse paths (a quick profile under load: `--diag`).</summary>
    public static class Diag
    {
        public static async Task RunAsync(bool framePerRead)
        {
            using var s = new ParseScenario(StreamShape.TextDeltas, 20000, framePerRead: framePerRead);
            foreach (var (name, f) in new (string, Func<Task<int>>)[] { ("bare", s.BareAsync), ("guarded", s.GuardedAsync), ("engine", s.EngineAsync), ("bare", s.BareAsync), ("guarded", s.GuardedAsync), ("engine", s.EngineAsync) })
            {
                double best = double.MaxValue;
                for (int i = 0; i < 40; i++)
                {
                    var sw = Stopwatch.StartNew();
                    await f();
                    best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
                }

                Console.WriteLine($"{name}: best {best:0.00} ms = {best * 1e6 / s.Corpus.Events:0} ns/event");
            }
        }
    }
}
