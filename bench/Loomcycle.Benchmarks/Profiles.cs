using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Tasks;
using Loomcycle.Benchmarks.Infrastructure;
using Loomcycle.Benchmarks.Scenarios;

namespace Loomcycle.Benchmarks
{
    /// <summary>
    /// Quick named profiles for diagnosis under load (best of many runs, no BenchmarkDotNet):
    /// <list type="bullet">
    /// <item><c>--profile parse [--frame-per-read]</c>: the in-memory parse paths per event — bare loop, bare loop through
    /// the engine's guard stream, and the engine's RunStream (with a token to mask) — time and allocations.</item>
    /// <item><c>--profile cmdlet-calls</c>: per-call cost of small cmdlet invocations (Remove-LoomcycleSnapshot in its
    /// three shapes, a trivial pipeline, Get/Test-LoomcycleConnection).</item>
    /// <item><c>--profile batch</c>: each round of scenario 8b on its own line (wall, process CPU, the fake's handler
    /// time) for the bare loop and both forms of Invoke-LoomcycleBatch, 1 000 inputs.</item>
    /// <item><c>--profile stream-setup</c>: what a short run (2 events) costs to open, read and close, bare loop against the
    /// engine, per run (wall, process CPU, bytes).</item>
    /// <item><c>--profile live</c>: scenario 1's live TextDeltas stream read by the bare loop, the bare loop through the
    /// engine's guard stream, the engine's RunStream over the bare loop's response, and the engine; each alone for 12 s
    /// after 3 s of warm-up (steady-state code, no other path's profile in the shared generic code), per event.</item>
    /// <item><c>--profile pipeline[-bare|-cmdlet]</c>: scenario 2's paths each alone in steady state, per event (one path:
    /// for a profiler attached to the process); <c>--profile pipeline-interleaved</c>: the same and the bare loop with awaited
    /// reads, interleaved in one process.</item>
    /// <item><c>--profile paths-alone N</c>: the bare loop and the engine over TextDeltas, from memory and live, and
    /// scenario 2's two pipelines, each path
    /// in a new process of its own (<c>--profile path-alone &lt;path&gt;</c>), N processes per path in rotating order: no
    /// path's profile in the generic code another shares (<c>SseParser&lt;T&gt;</c>, the JSON reader), as in a user's
    /// process. Per event: the median of the processes [range], wall and process CPU.</item>
    /// <item><c>--profile deletes</c>: scenario 5's raw HttpClient loop against the engine's DeleteSnapshotAsync loop, per
    /// call (wall, process CPU, bytes), each alone in steady state, three times alternating.</item>
    /// </list>
    /// </summary>
    public static class Profiles
    {
        public static async Task<int> RunAsync(string name, bool framePerRead)
        {
            static string? Argument(int afterProfile)
            {
                string[] args = Environment.GetCommandLineArgs();
                int at = Array.IndexOf(args, "--profile") + afterProfile;
                return at >= afterProfile && at < args.Length ? args[at] : null;
            }

            switch (name)
            {
                case "parse":
                    await ParseAsync(framePerRead).ConfigureAwait(false);
                    return 0;
                case "cmdlet-calls":
                    await CmdletCallsAsync().ConfigureAwait(false);
                    return 0;
                case "batch":
                    await BatchAsync().ConfigureAwait(false);
                    return 0;
                case "live":
                    await LiveAsync().ConfigureAwait(false);
                    return 0;
                case "stream-setup":
                    await StreamSetupAsync().ConfigureAwait(false);
                    return 0;
                case "deletes":
                    await DeletesAsync().ConfigureAwait(false);
                    return 0;
                case "path-alone":
                    return await PathsAlone.RunOneAsync(Argument(2)).ConfigureAwait(false);
                case "paths-alone":
                    return await PathsAlone.RunAsync(int.Parse(Argument(2) ?? "5", CultureInfo.InvariantCulture)).ConfigureAwait(false);
                case "pipeline-interleaved":
                    await PipelineInterleavedAsync().ConfigureAwait(false);
                    return 0;
                case "pipeline":
                case "pipeline-bare":
                case "pipeline-cmdlet":
                    await PipelineAsync(name).ConfigureAwait(false);
                    return 0;
                default:
                    Console.Error.WriteLine($"Unknown profile '{name}': use parse, cmdlet-calls, batch, live, stream-setup, deletes, paths-alone N, pipeline[-bare|-cmdlet] or pipeline-interleaved.");
                    return 2;
            }
        }

        /// <summary>
        /// What one short run costs to open, read and close (2 events, one after another, 2 000 per round, 6 rounds): the
        /// bare loop against the engine, per stream — the per-run share of scenario 7's 100 runs at once.
        /// </summary>
        private static async Task StreamSetupAsync()
        {
            await using FanInScenario s = await FanInScenario.StartAsync(1, 2).ConfigureAwait(false);
            const int streams = 2_000;
            Console.WriteLine($"Short runs ({s.Corpus.Events} events), {streams} one after another per round:");
            for (int round = 0; round < 6; round++)
            {
                foreach ((string name, Func<Task> run) in new (string, Func<Task>)[] { ("bare loop", s.BareAsync), ("engine", s.EngineAsync) })
                {
                    Cost c = await Cost.MeasureAsync(async () =>
                    {
                        for (int i = 0; i < streams; i++)
                        {
                            await run().ConfigureAwait(false);
                        }
                    }).ConfigureAwait(false);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {name,-10} wall {c.WallMs * 1000 / streams,6:0.0} µs/run  process CPU {c.CpuMs * 1000 / streams,6:0.0} µs/run  {c.Allocated / streams,6} B/run"));
                }
            }
        }

        private static async Task LiveAsync()
        {
            await using StreamScenario s = await StreamScenario.StartAsync(StreamShape.TextDeltas, Sizes.Full.TextDeltas).ConfigureAwait(false);
            var steps = new LiveStreamSteps(s);
            var paths = new (string Name, Func<Task> Run)[]
            {
                ("bare loop", s.BareAsync), ("bare loop + guard stream", steps.BareThroughGuardAsync),
                ("RunStream over the bare response", steps.EngineOverBareResponseAsync), ("engine", s.EngineAsync),
            };
            Console.WriteLine($"Live TextDeltas stream, {s.Corpus.Events} events, each path alone (3 s warm-up, 12 s measured):");
            foreach ((string name, Func<Task> run) in paths)
            {
                SteadyState m = await SteadyState.MeasureAsync(run, warmedUp: () => steps.Reads = 0).ConfigureAwait(false);
                double perEvent = 1e6 / m.Runs / s.Corpus.Events;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {name,-34} {m.Runs,4} runs  wall {m.WallMs * perEvent,5:0} ns/event  process CPU {m.CpuMs * perEvent,5:0} ns/event{(steps.Reads > 0 ? $"  {steps.Reads / (double)m.Runs:0} reads/run" : string.Empty)}"));
            }
        }

        /// <summary>
        /// Scenario 2's two paths, each alone in steady state (3 s warm-up, 12 s measured), per event; <c>pipeline-bare</c>
        /// or <c>pipeline-cmdlet</c> runs one path only (for a profiler attached to the whole process).
        /// </summary>
        /// <summary>
        /// Scenario 2's paths interleaved in one process, 15 rounds of 5 runs each after 6 s of warm-up, medians per event:
        /// the compiled bare-loop cmdlet with blocking reads (the baseline) and with awaited reads (its pipeline thread
        /// sleeping while a read waits, as the module's bridge does), and the module.
        /// </summary>
        private static async Task PipelineInterleavedAsync()
        {
            await using PipelineScenario s = await PipelineScenario.StartAsync(Sizes.Full.TextDeltas).ConfigureAwait(false);
            s.Verify();
            var paths = new (string Name, Action Run)[]
            {
                ("Read-BenchStream", s.ReadBare), ("Read-BenchStream -Async", s.ReadBareAsync), ("Invoke-LoomcycleRun", s.InvokeRun),
            };
            var wall = new Dictionary<string, List<double>>();
            var cpu = new Dictionary<string, List<double>>();
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed.TotalSeconds < 6)
            {
                foreach (var (_, run) in paths) run();
            }

            for (int round = 0; round < 15; round++)
            {
                foreach (var (name, run) in paths)
                {
                    double c0 = CpuClock.ProcessMs();
                    var w = Stopwatch.StartNew();
                    for (int i = 0; i < 5; i++) run();
                    (wall.TryGetValue(name, out var wl) ? wl : wall[name] = new()).Add(w.Elapsed.TotalMilliseconds * 1e6 / 5 / s.Corpus.Events);
                    (cpu.TryGetValue(name, out var cl) ? cl : cpu[name] = new()).Add((CpuClock.ProcessMs() - c0) * 1e6 / 5 / s.Corpus.Events);
                }
            }

            foreach (var (name, _) in paths)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-24} | Out-Null  wall median {Stats.Median(wall[name]),6:0} ns/event  CPU median {Stats.Median(cpu[name]),6:0} ns/event"));
            }
        }

        private static async Task PipelineAsync(string name)
        {
            await using PipelineScenario s = await PipelineScenario.StartAsync(Sizes.Full.TextDeltas).ConfigureAwait(false);
            s.Verify();
            var paths = new (string Key, string Name, Action Run)[]
            {
                ("bare", "Read-BenchStream | Out-Null", s.ReadBare), ("bare-async", "Read-BenchStream -Async | Out-Null", s.ReadBareAsync), ("cmdlet", "Invoke-LoomcycleRun | Out-Null", s.InvokeRun),
            };
            Console.WriteLine($"Pipeline TextDeltas stream, {s.Corpus.Events} events, each path alone (3 s warm-up, 12 s measured):");
            foreach ((string key, string path, Action run) in paths)
            {
                if (name != "pipeline" && name != "pipeline-" + key)
                {
                    continue;
                }

                SteadyState m = await SteadyState.MeasureAsync(() => { run(); return Task.CompletedTask; }).ConfigureAwait(false);
                double perEvent = 1e6 / m.Runs / s.Corpus.Events;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {path,-34} {m.Runs,4} runs  wall {m.WallMs * perEvent,5:0} ns/event  process CPU {m.CpuMs * perEvent,5:0} ns/event  {m.Allocated / (double)m.Runs / s.Corpus.Events,5:0} B/event"));
            }
        }

        /// <summary>One path run over and over alone: 3 s untimed (steady-state code), then 12 s measured.</summary>
        private readonly record struct SteadyState(int Runs, double WallMs, double CpuMs, long Allocated)
        {
            public static async Task<SteadyState> MeasureAsync(Func<Task> run, Action? warmedUp = null)
            {
                var watch = Stopwatch.StartNew();
                while (watch.Elapsed.TotalSeconds < 3)
                {
                    await run().ConfigureAwait(false);
                }

                warmedUp?.Invoke();
                int runs = 0;
                double cpu = CpuClock.ProcessMs();
                long allocated = GC.GetTotalAllocatedBytes(precise: false);
                watch.Restart();
                while (watch.Elapsed.TotalSeconds < 12)
                {
                    await run().ConfigureAwait(false);
                    runs++;
                }

                return new SteadyState(runs, watch.Elapsed.TotalMilliseconds, CpuClock.ProcessMs() - cpu, GC.GetTotalAllocatedBytes(precise: false) - allocated);
            }
        }

        /// <summary>
        /// Scenario 5 per call, steady state: the raw HttpClient DELETE loop against the engine's DeleteSnapshotAsync loop
        /// (1 000 deletes a run), then `$snapshots | Remove-LoomcycleSnapshot -Force` and `-Id $ids` (one call, no binding per
        /// item), alternating twice — wall, process CPU (the in-process fake's included) and bytes.
        /// </summary>
        private static async Task DeletesAsync()
        {
            await using var s = await SmallRequestScenario.StartAsync(1_000).ConfigureAwait(false);
            s.Runspace!.Runspace.SessionStateProxy.SetVariable("ids", s.Ids);
            var paths = new (string, Func<Task>)[]
            {
                ("raw HttpClient loop", s.BareAsync),
                ("DeleteSnapshotAsync loop", s.EngineAsync),
                ("$snapshots | Remove-…", () => Task.Run(s.Cmdlet)),
                ("Remove-… -Id $ids", () => Task.Run(() => s.Runspace.Run("Remove-LoomcycleSnapshot -Id $ids -Force"))),
            };
            for (int pass = 0; pass < 2; pass++)
            {
                foreach ((string path, Func<Task> run) in paths)
                {
                    SteadyState m = await SteadyState.MeasureAsync(run).ConfigureAwait(false);
                    double perCall = 1e3 / m.Runs / s.Ids.Length;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {path,-26} {m.Runs,4} runs  wall {m.WallMs * perCall,6:0.0} µs/call  process CPU {m.CpuMs * perCall,6:0.0} µs/call  {m.Allocated / (double)m.Runs / s.Ids.Length,6:0} B/call"));
                }
            }
        }

        private static async Task BatchAsync()
        {
            await using var s = await Scenarios.BatchScenario.StartAsync(1_000).ConfigureAwait(false);
            s.CaptureBodies();
            for (int i = 0; i < 8; i++)
            {
                foreach ((string name, Func<Task> op) in new (string, Func<Task>)[]
                {
                    ("bare loop", s.BareAsync), ("pipeline ", () => Task.Run(s.CmdletPipeline)), ("-Prompt  ", () => Task.Run(s.CmdletParameter)),
                })
                {
                    Infrastructure.Cost c = await Infrastructure.Cost.MeasureAsync(op).ConfigureAwait(false);
                    Console.WriteLine(FormattableString.Invariant(
                        $"{i} {name} wall {c.WallMs,7:0.0} ms  CPU {c.CpuMs,7:0.0} ms  server {s.LastServer.Ms,6:0.0} ms / {s.LastServer.Requests} requests  allocated {c.Allocated / 1048576.0:0.0} MiB"));
                }
            }
        }

        private static async Task ParseAsync(bool framePerRead)
        {
            foreach (StreamShape shape in new[] { StreamShape.TextDeltas, StreamShape.ToolResults })
            {
                using var s = new ParseScenario(shape, shape == StreamShape.TextDeltas ? 20000 : 8, framePerRead: framePerRead);
                Console.WriteLine($"{shape}, {s.Corpus.Events} events{(framePerRead ? ", one frame per read" : string.Empty)}:");
                var paths = new (string, Func<Task<int>>)[] { ("bare", s.BareAsync), ("guarded", s.GuardedAsync), ("engine", s.EngineAsync) };
                for (int pass = 0; pass < 2; pass++)
                {
                    foreach (var (name, run) in paths)
                    {
                        double best = double.MaxValue;
                        var cpu = new List<double>();
                        long allocated = long.MaxValue;
                        for (int i = 0; i < 40; i++)
                        {
                            long before = GC.GetAllocatedBytesForCurrentThread();
                            double cpuBefore = CpuClock.ThreadMs();
                            var watch = Stopwatch.StartNew();
                            run().GetAwaiter().GetResult(); // from memory every await completes at once: all on this thread
                            best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
                            cpu.Add(CpuClock.ThreadMs() - cpuBefore);
                            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
                        }

                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"  {name,-8} wall best {best * 1e6 / s.Corpus.Events,7:0} ns/event, thread CPU median {Stats.Median(cpu) * 1e6 / s.Corpus.Events,7:0} ns/event, {allocated / (double)s.Corpus.Events,8:0} B/event"));
                    }
                }
            }
        }

        private static async Task CmdletCallsAsync()
        {
            const int n = 300;
            await using var s = await SmallRequestScenario.StartAsync(n).ConfigureAwait(false);
            s.Runspace!.Runspace.SessionStateProxy.SetVariable("ids", s.Ids);
            var scripts = new List<string>
            {
                "$benchSnapshots | Remove-LoomcycleSnapshot -Force",
                "Remove-LoomcycleSnapshot -Id $ids -Force",
                "$ids | % { Remove-LoomcycleSnapshot -Id $_ -Force }",
                "$benchSnapshots | ForEach-Object { $_ } | Out-Null",
                "foreach ($i in $ids) { Get-LoomcycleConnection | Out-Null }",
                "foreach ($i in 1..300) { Test-LoomcycleConnection | Out-Null }",
            };
            foreach (string script in scripts)
            {
                double best = double.MaxValue;
                for (int i = 0; i < 3; i++)
                {
                    var watch = Stopwatch.StartNew();
                    s.Runspace.Run(script);
                    best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{best * 1000 / n,8:0.0} µs/item  {script}"));
            }
        }
    }
}
