using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Loomcycle.Benchmarks.Scenarios;

namespace Loomcycle.Benchmarks.Infrastructure
{
    /// <summary>
    /// <c>--profile paths-alone N</c>: goal 1's two readers (from memory and live) and goal 2's two pipelines
    /// (<c>Read-BenchStream | Out-Null</c>, <c>Invoke-LoomcycleRun | Out-Null</c>), each in new processes of its own. Interleaved in one
    /// process, the bare loop and the engine share the generic code both run (<c>SseParser&lt;T&gt;</c> over a reference
    /// type, the JSON reader), and whichever the JIT profiled most shapes it for both; a user's process has one reader.
    /// Each child (<c>--profile path-alone &lt;path&gt;</c>) runs one path over and over (2 s untimed, 8 s measured) and
    /// prints one line; the parent runs N children per path, rotating the order, and prints each path's medians.
    /// </summary>
    public static class PathsAlone
    {
        private const string ResultPrefix = "PATH-ALONE ";

        private static readonly string[] Paths = { "memory-bare", "memory-engine", "live-bare", "live-engine", "pipeline-bare", "pipeline-engine" };

        public static async Task<int> RunAsync(int processes)
        {
            var wall = Paths.ToDictionary(p => p, _ => new List<double>());
            var cpu = Paths.ToDictionary(p => p, _ => new List<double>());
            Console.WriteLine($"TextDeltas ({Sizes.Full.TextDeltas} events a run), each path alone in {processes} new processes, rotating:");
            for (int i = 0; i < processes; i++)
            {
                for (int k = 0; k < Paths.Length; k++)
                {
                    string path = Paths[(i + k) % Paths.Length];
                    (double w, double c) = await RunChildAsync(path).ConfigureAwait(false);
                    wall[path].Add(w);
                    cpu[path].Add(c);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {path,-14} wall {w,6:0} ns/event  process CPU {c,6:0} ns/event"));
                }
            }

            Console.WriteLine("Medians of the processes [lowest–highest], and bare ÷ engine (≥ 1: the engine is cheaper):");
            foreach (string kind in new[] { "memory", "live", "pipeline" })
            {
                foreach (string side in new[] { "bare", "engine" })
                {
                    string path = kind + "-" + side;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {path,-14} wall {Stats.Median(wall[path]),6:0} [{wall[path].Min():0}–{wall[path].Max():0}] ns/event  process CPU {Stats.Median(cpu[path]),6:0} [{cpu[path].Min():0}–{cpu[path].Max():0}]"));
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {kind}: wall {Stats.Median(wall[kind + "-bare"]) / Stats.Median(wall[kind + "-engine"]):0.00}, CPU {Stats.Median(cpu[kind + "-bare"]) / Stats.Median(cpu[kind + "-engine"]):0.00}"));
            }

            return 0;
        }

        /// <summary>The child: one path alone, one result line.</summary>
        public static async Task<int> RunOneAsync(string? path)
        {
            Func<Task> run;
            IAsyncDisposable? server = null; // the loopback scenarios own a fake server
            ParseScenario? memory = null;
            int events;
            switch (path)
            {
                case "memory-bare":
                case "memory-engine":
                    memory = new ParseScenario(StreamShape.TextDeltas, Sizes.Full.TextDeltas);
                    run = path == "memory-bare" ? memory.BareAsync : memory.EngineAsync;
                    events = memory.Corpus.Events;
                    break;
                case "live-bare":
                case "live-engine":
                    StreamScenario s = await StreamScenario.StartAsync(StreamShape.TextDeltas, Sizes.Full.TextDeltas).ConfigureAwait(false);
                    server = s;
                    run = path == "live-bare" ? s.BareAsync : s.EngineAsync;
                    events = s.Corpus.Events;
                    break;
                case "pipeline-bare":
                case "pipeline-engine":
                    PipelineScenario p = await PipelineScenario.StartAsync(Sizes.Full.TextDeltas).ConfigureAwait(false);
                    server = p;
                    p.Verify();
                    Action pipeline = path == "pipeline-bare" ? p.ReadBare : p.InvokeRun;
                    run = () =>
                    {
                        pipeline();
                        return Task.CompletedTask;
                    };
                    events = p.Corpus.Events;
                    break;
                default:
                    Console.Error.WriteLine($"Unknown path '{path}': use {string.Join(", ", Paths)}.");
                    return 2;
            }

            try
            {
                var watch = Stopwatch.StartNew();
                while (watch.Elapsed.TotalSeconds < 2)
                {
                    await run().ConfigureAwait(false);
                }

                int runs = 0;
                double cpuBefore = CpuClock.ProcessMs();
                watch.Restart();
                while (watch.Elapsed.TotalSeconds < 8)
                {
                    await run().ConfigureAwait(false);
                    runs++;
                }

                double perEvent = 1e6 / runs / events;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{ResultPrefix}{watch.Elapsed.TotalMilliseconds * perEvent:0.0} {(CpuClock.ProcessMs() - cpuBefore) * perEvent:0.0}"));
                return 0;
            }
            finally
            {
                memory?.Dispose();
                if (server is not null)
                {
                    await server.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        private static async Task<(double Wall, double Cpu)> RunChildAsync(string path)
        {
            using Process process = ProcessRepeats.StartChild(new[] { "--profile", "path-alone", path });
            string output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
            await process.WaitForExitAsync().ConfigureAwait(false);
            string? line = output.Split('\n').FirstOrDefault(l => l.StartsWith(ResultPrefix, StringComparison.Ordinal));
            if (process.ExitCode != 0 || line is null)
            {
                throw new InvalidOperationException($"The child for '{path}' ended with exit code {process.ExitCode}: {output}");
            }

            string[] figures = line.Substring(ResultPrefix.Length).Split(' ');
            return (double.Parse(figures[0], CultureInfo.InvariantCulture), double.Parse(figures[1], CultureInfo.InvariantCulture));
        }
    }
}
