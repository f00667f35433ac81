using System;
using System.Diagnostics;
using System.Threading.Tasks;
using Loomcycle.Benchmarks.Infrastructure;
using Loomcycle.Benchmarks.Scenarios;

namespace Loomcycle.Benchmarks
{
    /// <summary>`--diag3`: the pipeline baseline with reused vs fresh objects, and the module, best of 5.</summary>
    public static class Diag3
    {
        public static async Task RunAsync()
        {
            await using var s = await PipelineScenario.StartAsync(20000);
            void Best(string name, Action a)
            {
                double best = double.MaxValue;
                for (int i = 0; i < 5; i++)
                {
                    var sw = Stopwatch.StartNew();
                    a();
                    best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
                }

                Console.WriteLine($"{name}: best {best:0.0} ms = {best * 1000 / s.Corpus.Events:0.00} µs/object");
            }

            Best("Write-BenchObject, same objects", s.WriteObjects);
            Best("Write-BenchObject, fresh objects", () => { BenchShared.Objects = s.Corpus.ParseAll(); s.WriteObjects(); });
            Best("Write-BenchObject, ints", () => { BenchShared.Objects = new object[s.Corpus.Events]; for (int i = 0; i < s.Corpus.Events; i++) BenchShared.Objects[i] = i; s.WriteObjects(); });
            Best("Invoke-LoomcycleRun", s.InvokeRun);
        }
    }
}
