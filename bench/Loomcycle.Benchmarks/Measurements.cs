using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Loomcycle.Benchmarks.Infrastructure;
using Loomcycle.Benchmarks.Scenarios;

namespace Loomcycle.Benchmarks
{
    /// <summary>How big each scenario runs.</summary>
    public sealed record Sizes(
        string Name, int TextDeltas, int ToolResults, int ToolResultBytes, int PipelineDeltas, int Rounds,
        int LatencyRounds, long SnapshotBytes, int SnapshotRounds, int Deletes, int ImportRounds,
        int FanInStreams, int FanInDeltas, int ParallelStreams, int FanInRounds,
        int WatchRounds, int WatchChangesPerRound, int BatchInputs, int SyncDefinitions, int NewCmdletRounds)
    {
        /// <summary>Every scenario once or twice, small: proves the whole suite works (CI); the numbers mean little.</summary>
        public static readonly Sizes Smoke = new("smoke", 2_000, 2, 64 * 1024, 2_000, 3, 5, 4L << 20, 1, 200, 3, 100, 50, 10, 1, 2, 15, 100, 50, 3);

        /// <summary>The sizes of the goals (1 GiB snapshot, 10 000 deletes, 100 streams at once).</summary>
        public static readonly Sizes Full = new("full", 20_000, 8, 256 * 1024, 20_000, 31, 200, 1L << 30, 3, 10_000, 11, 100, 2_000, 100, 9, 5, 40, 1_000, 500, 5);
    }

    /// <summary>
    /// Runs the scenarios with plain stopwatches: every one in smoke mode, and in full mode the ones BenchmarkDotNet
    /// cannot express (latency distribution, peak memory of a 1 GiB transfer, cold-process import, sockets opened).
    /// Every number is a ratio against a baseline measured in the same run, interleaved to share the noise.
    /// </summary>
    public static class Measurements
    {
        /// <param name="only">Scenario numbers to run (<c>--scenarios 1,2,7</c>); null runs all.</param>
        public static async Task<int> RunAsync(Sizes sizes, bool throughput, ISet<int>? only = null)
        {
            Console.WriteLine(FormattableString.Invariant($"# Load average at start: {LoadAverage()}"));
            Console.WriteLine($"# Loomcycle benchmarks, {sizes.Name} measurements: {Machine.Describe()}");
            if (sizes == Sizes.Smoke)
            {
                Console.WriteLine("# Smoke sizes prove every scenario runs; they are too small for the verdicts below to mean anything (see bench/README.md).");
            }
            var goals = new List<string>();
            bool Run(int scenario) => only is null || only.Contains(scenario);
            if (throughput && Run(1))
            {
                await StreamAsync(sizes, StreamShape.TextDeltas, sizes.TextDeltas, goals).ConfigureAwait(false);
                await StreamAsync(sizes, StreamShape.ToolResults, sizes.ToolResults, goals).ConfigureAwait(false);
            }

            if (throughput && Run(2))
            {
                await PipelineAsync(sizes, goals).ConfigureAwait(false);
            }

            if (Run(3))
            {
                await LatencyAsync(sizes, goals).ConfigureAwait(false);
            }

            if (Run(4))
            {
                await SnapshotsAsync(sizes, goals).ConfigureAwait(false);
            }

            if (Run(5))
            {
                await SmallRequestsAsync(sizes, goals, timeThem: throughput).ConfigureAwait(false);
            }

            if (Run(6))
            {
                await ImportAsync(sizes, goals).ConfigureAwait(false);
            }

            if (Run(7))
            {
                await FanInAsync(sizes, goals).ConfigureAwait(false);
            }

            if (Run(8))
            {
                await WatchAsync(sizes, goals).ConfigureAwait(false);
                await BatchAsync(sizes, goals).ConfigureAwait(false);
                await DefinitionSyncAsync(sizes, goals).ConfigureAwait(false);
            }

            Console.WriteLine();
            Console.WriteLine("## Goals");
            foreach (string goal in goals)
            {
                Console.WriteLine("- " + goal);
            }

            Console.WriteLine(FormattableString.Invariant($"# Load average at end: {LoadAverage()}"));

            return 0;
        }

        private static string LoadAverage()
        {
            try
            {
                return System.IO.File.Exists("/proc/loadavg") ? System.IO.File.ReadAllText("/proc/loadavg").Trim() : "n/a";
            }
            catch (System.IO.IOException)
            {
                return "n/a";
            }
        }

        private static string Verdict(bool met) => met ? "MET" : "MISSED";

        private static async Task StreamAsync(Sizes sizes, StreamShape shape, int scale, List<string> goals)
        {
            await using StreamScenario s = await StreamScenario.StartAsync(shape, scale, sizes.ToolResultBytes).ConfigureAwait(false);
            Comparison c = await Comparison.RunAsync(sizes.Rounds, s.BareAsync, s.EngineAsync).ConfigureAwait(false);
            Console.WriteLine(FormattableString.Invariant(
                $"[1] stream {shape}: {s.Corpus.Events} events, {s.Corpus.Bytes.Length / 1024.0:0} KiB; bare loop vs engine (token set: every frame searched for it)"));
            Console.WriteLine(c.Describe(s.Corpus.Events, "event"));
            double alloc = c.MedianAllocated(true) / c.MedianAllocated(false);
            goals.Add(FormattableString.Invariant(
                $"[1] engine stream {shape} ≥ 0.95 of the bare loop (median wall): {c.WallRatio:0.00} {Verdict(c.WallRatio >= 0.95)}; CPU {c.CpuRatio:0.00}; allocations {alloc:0.00}x of the bare loop (goal ≤ 1.10) {Verdict(alloc <= 1.10)}"));
        }

        private static async Task PipelineAsync(Sizes sizes, List<string> goals)
        {
            await using PipelineScenario s = await PipelineScenario.StartAsync(sizes.PipelineDeltas).ConfigureAwait(false);
            s.Verify();
            Comparison c = await Comparison.RunAsync(sizes.Rounds, () => Task.Run(s.ReadBare), () => Task.Run(s.InvokeRun)).ConfigureAwait(false);
            Console.WriteLine(FormattableString.Invariant(
                $"[2] pipeline: {s.Corpus.Events} events; Read-BenchStream | Out-Null (compiled bare loop) vs Invoke-LoomcycleRun | Out-Null"));
            Console.WriteLine(c.Describe(s.Corpus.Events, "event"));
            Comparison prebuilt = await Comparison.RunAsync(Math.Max(1, sizes.Rounds / 3), () => Task.Run(s.WriteObjects), () => Task.Run(s.InvokeRun)).ConfigureAwait(false);
            Console.WriteLine("    reference: Write-BenchObject (pre-built objects, no I/O) vs the module");
            Console.WriteLine(prebuilt.Describe(s.Corpus.Events, "event"));
            goals.Add(FormattableString.Invariant(
                $"[2] Invoke-LoomcycleRun | Out-Null ≥ 0.95 of a compiled bare-loop cmdlet, median wall: {c.WallRatio:0.00} {Verdict(c.WallRatio >= 0.95)}; median CPU per event: {c.CpuRatio:0.00} {Verdict(c.CpuRatio >= 0.95)}"));
        }

        private static async Task LatencyAsync(Sizes sizes, List<string> goals)
        {
            await using LatencyScenario s = await LatencyScenario.StartAsync().ConfigureAwait(false);
            (List<double> bare, List<double> engine, List<double> pipeline) = await s.MeasureAsync(sizes.LatencyRounds).ConfigureAwait(false);
            Console.WriteLine("[3] first-event latency, server writes the first frame → object arrives (stream held open):");
            Console.WriteLine("    bare HttpClient+SseParser  " + Stats.Distribution(bare));
            Console.WriteLine("    engine ReadEventsAsync     " + Stats.Distribution(engine));
            Console.WriteLine("    pipeline (cmdlet sink)     " + Stats.Distribution(pipeline));
            double added = Stats.Median(pipeline) - Stats.Median(bare);
            Console.WriteLine(FormattableString.Invariant(
                $"    ratio of medians engine/bare {Stats.Median(engine) / Stats.Median(bare):0.00}, pipeline/bare {Stats.Median(pipeline) / Stats.Median(bare):0.00}; pipeline adds {added:0.000} ms at p50"));
            double p99 = Stats.Percentile(pipeline, 99);
            double max = pipeline.Max();
            bool buffered = pipeline.Any(v => double.IsNaN(v) || v >= LatencyScenario.ReleaseAfter.TotalMilliseconds);
            bool met = !buffered && Stats.Median(pipeline) < 5;
            goals.Add(FormattableString.Invariant(
                $"[3] first event in the pipeline within a few ms with the stream held open (no buffering): p50 {Stats.Median(pipeline):0.000} ms, p99 {p99:0.000} ms (bare loop p99 {Stats.Percentile(bare, 99):0.000} ms), max {max:0.0} ms, {(buffered ? "some events waited for the stream to end" : "no event waited for more data")} {Verdict(met)}"));
        }

        private static async Task SnapshotsAsync(Sizes sizes, List<string> goals)
        {
            await using SnapshotScenario s = await SnapshotScenario.StartAsync(sizes.SnapshotBytes).ConfigureAwait(false);
            await s.ExportEngineAsync().ConfigureAwait(false);
            await s.PrepareRequestBodyAsync().ConfigureAwait(false);
            await s.RestoreEngineAsync().ConfigureAwait(false);
            s.VerifyContent();
            double mib = sizes.SnapshotBytes / 1048576.0;
            var rows = new Dictionary<string, List<(double Seconds, PeakMemory Memory)>>
            {
                ["export bare"] = new(), ["export engine"] = new(), ["restore bare"] = new(), ["restore engine"] = new(),
            };
            for (int round = 0; round < sizes.SnapshotRounds; round++)
            {
                var order = new List<(string, Func<Task>)>
                {
                    ("export bare", s.ExportBareAsync), ("export engine", s.ExportEngineAsync),
                    ("restore bare", s.RestoreBareAsync), ("restore engine", s.RestoreEngineAsync),
                };
                if (round % 2 == 1)
                {
                    order = new List<(string, Func<Task>)> { order[1], order[0], order[3], order[2] };
                }

                foreach ((string name, Func<Task> op) in order)
                {
                    rows[name].Add(await SnapshotScenario.MeasureAsync(op).ConfigureAwait(false));
                }
            }

            Console.WriteLine(FormattableString.Invariant($"[4] snapshot of {mib:0} MiB through files ({sizes.SnapshotRounds} rounds, medians; memory = peak growth over the run):"));
            foreach (var (name, list) in rows)
            {
                double sec = Stats.Median(list.Select(r => r.Seconds).ToList());
                Console.WriteLine(FormattableString.Invariant(
                    $"    {name,-15} {sec:0.000} s {mib / sec,7:0} MiB/s  working set +{list.Max(r => r.Memory.WorkingSetGrowthMiB):0.0} MiB  GC heap +{list.Max(r => r.Memory.HeapGrowthMiB):0.0} MiB  allocated {list.Max(r => r.Memory.AllocatedMiB):0.0} MiB"));
            }

            foreach (string op in new[] { "export", "restore" })
            {
                double bare = Stats.Median(rows[op + " bare"].Select(r => r.Seconds).ToList());
                double engine = Stats.Median(rows[op + " engine"].Select(r => r.Seconds).ToList());
                double peak = rows[op + " engine"].Max(r => r.Memory.WorkingSetGrowthMiB);
                double ratio = bare / engine;
                goals.Add(FormattableString.Invariant(
                    $"[4] snapshot {op} {mib:0} MiB: throughput {ratio:0.00} of the HttpClient file copy (goal ≥ 0.8) {Verdict(ratio >= 0.8)}; peak working-set growth {peak:0.0} MiB (goal < 64) {Verdict(peak < 64)}"));
            }
        }

        private static async Task SmallRequestsAsync(Sizes sizes, List<string> goals, bool timeThem)
        {
            await using SmallRequestScenario s = await SmallRequestScenario.StartAsync(sizes.Deletes).ConfigureAwait(false);
            int before = s.ConnectionsOpened;
            await s.BareAsync().ConfigureAwait(false);
            int bareSockets = s.ConnectionsOpened - before;
            before = s.ConnectionsOpened;
            await s.EngineAsync().ConfigureAwait(false);
            int engineSockets = s.ConnectionsOpened - before;
            string cmdletSockets = "n/a (Remove-LoomcycleSnapshot not merged yet)";
            if (s.CmdletAvailable)
            {
                before = s.ConnectionsOpened;
                await Task.Run(s.Cmdlet).ConfigureAwait(false);
                cmdletSockets = (s.ConnectionsOpened - before).ToString(CultureInfo.InvariantCulture);
            }

            Console.WriteLine($"[5] {sizes.Deletes} DELETEs: sockets opened: HttpClient loop {bareSockets}, engine loop {engineSockets}, cmdlet pipeline {cmdletSockets}");
            if (timeThem)
            {
                Comparison engine = await Comparison.RunAsync(Math.Max(3, Math.Min(sizes.Rounds, 5)), s.BareAsync, s.EngineAsync).ConfigureAwait(false);
                Console.WriteLine("    raw HttpClient loop vs engine DeleteSnapshotAsync loop");
                Console.WriteLine(engine.Describe(sizes.Deletes, "call"));
                goals.Add(FormattableString.Invariant($"[5] engine DeleteSnapshotAsync loop ≥ 0.8 of raw HttpClient (median): {engine.WallRatio:0.00} {Verdict(engine.WallRatio >= 0.8)}"));
                if (s.CmdletAvailable)
                {
                    Comparison cmdlet = await Comparison.RunAsync(Math.Max(3, Math.Min(sizes.Rounds, 5)), s.BareAsync, () => Task.Run(s.Cmdlet)).ConfigureAwait(false);
                    Console.WriteLine("    raw HttpClient loop vs $snapshots | Remove-LoomcycleSnapshot -Force");
                    Console.WriteLine(cmdlet.Describe(sizes.Deletes, "call"));
                    goals.Add(FormattableString.Invariant($"[5] $snapshots | Remove-LoomcycleSnapshot -Force ≥ 0.8 of raw HttpClient (median): {cmdlet.WallRatio:0.00} {Verdict(cmdlet.WallRatio >= 0.8)} (best {cmdlet.BestWallRatio:0.00}; CPU {cmdlet.CpuRatio:0.00})"));
                }
            }

            goals.Add($"[5] pooled connections: {engineSockets} socket(s) for {sizes.Deletes} engine calls {Verdict(engineSockets <= 1)}");
        }

        private static async Task FanInAsync(Sizes sizes, List<string> goals)
        {
            await using FanInScenario s = await FanInScenario.StartAsync(sizes.FanInStreams, sizes.FanInDeltas).ConfigureAwait(false);
            long events = (long)s.Streams * s.Corpus.Events;
            var bareFirst = new List<double>();
            var engineFirst = new List<double>();
            // Untimed, alternating, as Comparison.RunAsync warms both sides: the JIT's optimized code on both sides.
            var warming = Stopwatch.StartNew();
            do
            {
                await s.BareAsync().ConfigureAwait(false);
                await s.EngineAsync().ConfigureAwait(false);
            }
            while (warming.Elapsed < Comparison.WarmUp);
            int threadsAfterWarmUp = System.Threading.ThreadPool.ThreadCount;

            var c = new Comparison();
            double peakGrowth = 0;
            int sockets = 0;
            for (int i = 0; i < sizes.FanInRounds; i++)
            {
                c.Baseline.Add(await Cost.MeasureAsync(s.BareAsync).ConfigureAwait(false));
                bareFirst.AddRange(s.FirstEventMs);
                int before = s.Server.Server.ConnectionsOpened;
                var memory = new PeakMemory();
                c.Candidate.Add(await Cost.MeasureAsync(s.EngineAsync).ConfigureAwait(false));
                memory.Dispose();
                peakGrowth = Math.Max(peakGrowth, memory.WorkingSetGrowthMiB);

                sockets = Math.Max(sockets, s.Server.Server.ConnectionsOpened - before);
                engineFirst.AddRange(s.FirstEventMs);
            }

            Console.WriteLine(FormattableString.Invariant(
                $"[7] fan-in: {s.Streams} runs at once × {s.Corpus.Events} events through one LoomcycleConnection vs {s.Streams} bare loops on {s.Streams} tasks (one HttpClient)"));
            Console.WriteLine(c.Describe((int)Math.Min(events, int.MaxValue), "event"));
            Console.WriteLine(FormattableString.Invariant(
                $"    aggregate: bare {events / c.MedianWall(false):0} k ev/s, engine {events / c.MedianWall(true):0} k ev/s; engine peak working-set growth +{peakGrowth:0.0} MiB; sockets opened per engine round {sockets} (HTTP/1.1: one per concurrent stream, reused across rounds)"));
            // The pool adds threads when its queue stalls (CPU-bound readers on every thread); more threads than cores
            // time-slice the readers, and per-event CPU rises on both sides: this differs from process to process.
            Console.WriteLine(FormattableString.Invariant(
                $"    thread pool: {threadsAfterWarmUp} threads after the warm-up, {System.Threading.ThreadPool.ThreadCount} at the end ({Environment.ProcessorCount} cores)"));
            Console.WriteLine("    first event after the stream's start: bare " + Stats.Distribution(bareFirst));
            Console.WriteLine("                                        engine " + Stats.Distribution(engineFirst));
            double p99 = Stats.Percentile(engineFirst, 99);
            goals.Add(FormattableString.Invariant(
                $"[7] fan-in {s.Streams} streams, engine aggregate ≥ 0.8 of {s.Streams} bare loops (median): {c.WallRatio:0.00} {Verdict(c.WallRatio >= 0.8)}; peak growth {peakGrowth:0.0} MiB (< 64) {Verdict(peakGrowth < 64)}; first-event p99 {p99:0.0} ms (< 20; bare p99 {Stats.Percentile(bareFirst, 99):0.0}) {Verdict(p99 < 20)}"));

            // The PowerShell way: ForEach-Object -Parallel, one runspace (and one Import-Module) per run.
            await using FanInScenario p = await FanInScenario.StartAsync(sizes.ParallelStreams, sizes.FanInDeltas).ConfigureAwait(false);
            Comparison parallel = await Comparison.RunAsync(Math.Max(1, sizes.FanInRounds / 2), () => Task.Run(p.ParallelBaseline), () => Task.Run(p.Parallel)).ConfigureAwait(false);
            long pEvents = (long)p.Streams * p.Corpus.Events;
            Console.WriteLine(FormattableString.Invariant(
                $"[7] ForEach-Object -Parallel -ThrottleLimit {p.Streams}: {p.Streams} × Invoke-LoomcycleRun (one connection) vs {p.Streams} × Read-BenchStream (compiled bare loop), {p.Corpus.Events} events each"));
            Console.WriteLine(parallel.Describe((int)Math.Min(pEvents, int.MaxValue), "event"));
            goals.Add(FormattableString.Invariant(
                $"[7] ForEach-Object -Parallel {p.Streams} runs ≥ 0.8 of the same with the compiled bare loop (median): {parallel.WallRatio:0.00} {Verdict(parallel.WallRatio >= 0.8)}; {pEvents / parallel.MedianWall(true):0} k ev/s aggregate"));
        }

        private static async Task WatchAsync(Sizes sizes, List<string> goals)
        {
            await using WatchScenario s = await WatchScenario.StartAsync().ConfigureAwait(false);
            (WatchScenario.PathResult bare, WatchScenario.PathResult engine, WatchScenario.PathResult cmdlet) =
                await s.MeasureAsync(sizes.WatchRounds, sizes.WatchChangesPerRound).ConfigureAwait(false);
            Console.WriteLine(FormattableString.Invariant(
                $"[8a] run-state change → reader, server stamps the frame's write, stream held open ({sizes.WatchRounds} rotating rounds × {sizes.WatchChangesPerRound} changes, one change in flight):"));
            foreach ((string name, WatchScenario.PathResult r) in new[] { ("bare HttpClient+SseParser ", bare), ("engine WatchRunStatesAsync", engine), ("Watch-LoomcycleAgent | sink", cmdlet) })
            {
                Console.WriteLine(FormattableString.Invariant($"    {name} {Stats.Distribution(r.Latencies)}; process CPU {r.CpuMs * 1000 / Math.Max(1, r.Latencies.Count):0} µs/change"));
            }

            bool lost = cmdlet.Latencies.Any(double.IsNaN);
            double p99 = Stats.Percentile(cmdlet.Latencies, 99);
            double bareP99 = Stats.Percentile(bare.Latencies, 99);
            Console.WriteLine(FormattableString.Invariant(
                $"    the cmdlet adds {Stats.Median(cmdlet.Latencies) - Stats.Median(bare.Latencies):+0.000;-0.000} ms at p50 and {Stats.Percentile(cmdlet.Latencies, 99) - Stats.Percentile(bare.Latencies, 99):+0.000;-0.000} ms at p99 to the bare loop (CPU per change includes each round's connect, listing and stop)"));
            Console.WriteLine(FormattableString.Invariant(
                $"    ratios (bare ÷ candidate): p50 engine {Stats.Median(bare.Latencies) / Stats.Median(engine.Latencies):0.00}, cmdlet {Stats.Median(bare.Latencies) / Stats.Median(cmdlet.Latencies):0.00}; p99 cmdlet {bareP99 / p99:0.00}; CPU/change cmdlet {bare.CpuMs / Math.Max(cmdlet.CpuMs, 1e-9):0.00}"));
            goals.Add(FormattableString.Invariant(
                $"[8a] Watch-LoomcycleAgent delivers a state change to the pipeline within 5 ms p99 of the server's write: p50 {Stats.Median(cmdlet.Latencies):0.000} ms, p99 {p99:0.000} ms over {cmdlet.Latencies.Count} changes (bare loop p99 {bareP99:0.000} ms, ratio {bareP99 / p99:0.00}){(lost ? ", some changes never arrived" : "")} {Verdict(!lost && p99 < 5)}"));
        }

        private static async Task BatchAsync(Sizes sizes, List<string> goals)
        {
            await using BatchScenario s = await BatchScenario.StartAsync(sizes.BatchInputs).ConfigureAwait(false);
            s.CaptureBodies();
            var bare = new Comparison();
            var pipeline = new Comparison();
            var parameter = new Comparison();
            var server = new Dictionary<string, List<double>> { ["bare"] = new(), ["pipeline"] = new(), ["parameter"] = new() };
            long requests = 0;
            await s.BareAsync().ConfigureAwait(false);
            await Task.Run(s.CmdletParameter).ConfigureAwait(false);
            for (int i = 0; i < sizes.NewCmdletRounds; i++)
            {
                var order = new List<Func<Task>>
                {
                    async () => { bare.Candidate.Add(await Cost.MeasureAsync(s.BareAsync).ConfigureAwait(false)); server["bare"].Add(s.LastServer.Ms); },
                    async () => { pipeline.Candidate.Add(await Cost.MeasureAsync(() => Task.Run(s.CmdletPipeline)).ConfigureAwait(false)); server["pipeline"].Add(s.LastServer.Ms); requests = s.LastServer.Requests; },
                    async () => { parameter.Candidate.Add(await Cost.MeasureAsync(() => Task.Run(s.CmdletParameter)).ConfigureAwait(false)); server["parameter"].Add(s.LastServer.Ms); },
                };
                for (int k = 0; k < order.Count; k++)
                {
                    await order[(k + i) % order.Count]().ConfigureAwait(false);
                }
            }

            pipeline.Baseline.AddRange(bare.Candidate);
            parameter.Baseline.AddRange(bare.Candidate);
            double Ratio(Comparison c, string key) => Stats.Median(c.Candidate.Select(x => x.WallMs).ToList()) / Stats.Median(server[key]);
            Console.WriteLine(FormattableString.Invariant(
                $"[8b] {sizes.BatchInputs} inputs, echo agent, {requests} POST /v1/runs:batch per run ({sizes.NewCmdletRounds} rotating rounds, medians): server handler time bare {Stats.Median(server["bare"]):0.0} / pipeline {Stats.Median(server["pipeline"]):0.0} / -Prompt {Stats.Median(server["parameter"]):0.0} ms"));
            Console.WriteLine(FormattableString.Invariant(
                $"    wall ÷ server time: bare HttpClient loop {Ratio(bare, "bare"):0.00}, $prompts | Invoke-LoomcycleBatch {Ratio(pipeline, "pipeline"):0.00}, Invoke-LoomcycleBatch -Prompt $prompts {Ratio(parameter, "parameter"):0.00}"));
            Console.WriteLine("    bare HttpClient loop (same bodies) vs $prompts | Invoke-LoomcycleBatch -Agent echo | Out-Null");
            Console.WriteLine(pipeline.Describe(sizes.BatchInputs, "input"));
            Console.WriteLine("    bare HttpClient loop (same bodies) vs Invoke-LoomcycleBatch -Agent echo -Prompt $prompts | Out-Null");
            Console.WriteLine(parameter.Describe(sizes.BatchInputs, "input"));
            double ClientMsPerCall(Comparison c, string key) => (Stats.Median(c.Candidate.Select(x => x.WallMs).ToList()) - Stats.Median(server[key])) / Math.Max(1, requests);
            Console.WriteLine(FormattableString.Invariant(
                $"    client + transport time per call of ≤ 32 runs (wall − server, medians): bare {ClientMsPerCall(bare, "bare"):0.00} ms, pipeline {ClientMsPerCall(pipeline, "pipeline"):0.00} ms, -Prompt {ClientMsPerCall(parameter, "parameter"):0.00} ms: the cmdlet adds ≤ 5 % once the server spends ≥ {20 * ClientMsPerCall(pipeline, "pipeline"):0} ms per call (the fake's echo runs take {Stats.Median(server["pipeline"]) / Math.Max(1, requests):0.0} ms)"));
            double ratio = Ratio(pipeline, "pipeline");
            goals.Add(FormattableString.Invariant(
                $"[8b] $prompts | Invoke-LoomcycleBatch over {sizes.BatchInputs} inputs ≤ 1.05 × the server's handler time (median): {ratio:0.00} {Verdict(ratio <= 1.05)} (bare HttpClient loop {Ratio(bare, "bare"):0.00}, -Prompt form {Ratio(parameter, "parameter"):0.00}; vs the bare loop: wall {pipeline.WallRatio:0.00}, CPU {pipeline.CpuRatio:0.00})"));
        }

        private static async Task DefinitionSyncAsync(Sizes sizes, List<string> goals)
        {
            await using DefinitionSyncScenario s = await DefinitionSyncScenario.StartAsync(sizes.SyncDefinitions).ConfigureAwait(false);
            await Task.Run(s.Sync).ConfigureAwait(false); // checked: every definition Unchanged, the request log classified
            await Task.Run(s.ReadAll).ConfigureAwait(false);
            await Task.Run(s.List).ConfigureAwait(false);
            await Task.Run(s.SyncOnly).ConfigureAwait(false);
            var list = new Comparison();
            var readAll = new Comparison();
            for (int i = 0; i < sizes.NewCmdletRounds; i++)
            {
                // One rotating loop for all three, so none of them runs in a warmer (or colder) stretch than the others.
                var order = new List<Func<Task>>
                {
                    async () => list.Baseline.Add(await Cost.MeasureAsync(() => Task.Run(s.List)).ConfigureAwait(false)),
                    async () => list.Candidate.Add(await Cost.MeasureAsync(() => Task.Run(s.SyncOnly)).ConfigureAwait(false)),
                    async () => readAll.Baseline.Add(await Cost.MeasureAsync(() => Task.Run(s.ReadAll)).ConfigureAwait(false)),
                };
                for (int k = 0; k < order.Count; k++)
                {
                    await order[(k + i) % order.Count]().ConfigureAwait(false);
                }
            }

            readAll.Candidate.AddRange(list.Candidate);
            await Task.Run(s.Sync).ConfigureAwait(false);
            var sync = s.LastSync;
            Console.WriteLine(FormattableString.Invariant(
                $"[8c] Sync-LoomcycleDefinition over {sizes.SyncDefinitions} unchanged agent definitions: {sync.Requests} requests ({sync.Posts} POSTs, all op get/list unless counted as writes: {sync.Writes} writes{(sync.FirstWrite is null ? "" : ", first " + sync.FirstWrite)}), versions added {sync.VersionsAdded}"));
            Console.WriteLine("    Get-LoomcycleDefinition -Kind Agent (the listing, one GET) vs Sync-LoomcycleDefinition");
            Console.WriteLine(list.Describe(sizes.SyncDefinitions, "definition"));
            Console.WriteLine("    Get-LoomcycleDefinition -Kind Agent | % { Get-LoomcycleDefinition -DefId $_.ActiveDefId } (list + read each) vs Sync-LoomcycleDefinition");
            Console.WriteLine(readAll.Describe(sizes.SyncDefinitions, "definition"));
            // Across a network each request waits for its round trip: the same sync with 5 ms added to every answer.
            var latency = TimeSpan.FromMilliseconds(5);
            var withLatency = await Comparison.RunAsync(3, () => Task.Run(() => s.WithLatency(latency, sync: false)), () => Task.Run(() => s.WithLatency(latency, sync: true))).ConfigureAwait(false);
            Console.WriteLine(FormattableString.Invariant(
                $"    with {latency.TotalMilliseconds:0} ms of latency per answer: listing {withLatency.MedianWall(false):0} ms, sync {withLatency.MedianWall(true):0} ms = {1 / withLatency.WallRatio:0.0} × the listing (one read after another: ≥ {sizes.SyncDefinitions * latency.TotalMilliseconds:0} ms)"));
            bool noWrite = sync.Writes == 0 && sync.VersionsAdded == 0;
            double times = 1 / list.WallRatio;
            goals.Add(FormattableString.Invariant(
                $"[8c] Sync-LoomcycleDefinition over {sizes.SyncDefinitions} unchanged definitions sends no write: {sync.Writes} writes, {sync.VersionsAdded} versions added ({sync.Requests} requests, {sync.Posts} POSTs{(sync.Writes == 0 ? ", every one op get/list" : "")}) {Verdict(noWrite)}"));
            goals.Add(FormattableString.Invariant(
                $"[8c] Sync-LoomcycleDefinition ≤ 2 × Get-LoomcycleDefinition listing them (median wall): {times:0.00} × {Verdict(times <= 2)} (CPU {1 / list.CpuRatio:0.00} ×); against listing and reading each: {1 / readAll.WallRatio:0.00} × wall, {1 / readAll.CpuRatio:0.00} × CPU {Verdict(1 / readAll.WallRatio <= 2)}"));
        }

        private static Task ImportAsync(Sizes sizes, List<string> goals)
        {
            var loomcycle = new List<double>();
            var empty = new List<double>();
            var loomcycleFirst = new List<double>();
            var emptyFirst = new List<double>();
            var emptyCpu = new List<double>();
            var loomcycleCpu = new List<double>();
            var withViews = new List<double>();
            var withViewsCpu = new List<double>();
            var shape = new List<double>();
            var shapeCpu = new List<double>();
            Console.WriteLine("[6] cold imports run in the " + ImportScenario.Host);
            using ShapeModule shapeModule = ShapeModule.Build();
            for (int i = 0; i < sizes.ImportRounds; i++)
            {
                (double e, double ef, double ec) = ImportScenario.ColdWithCpu(HostedRunspace.EmptyManifest, "Get-BenchEmpty");
                (double v, _, double vc) = ImportScenario.ColdWithCpu(HostedRunspace.EmptyWithViewsManifest, "Get-BenchEmpty");
                withViews.Add(v);
                withViewsCpu.Add(vc);
                (double sh, _, double shc) = ImportScenario.ColdWithCpu(shapeModule.Manifest, ShapeModule.FirstCommand);
                shape.Add(sh);
                shapeCpu.Add(shc);
                (double l, double f, double lc) = ImportScenario.ColdWithCpu(HostedRunspace.LoomcycleManifest, "Get-LoomcycleConnection");
                empty.Add(e);
                emptyFirst.Add(ef);
                emptyCpu.Add(ec);
                loomcycle.Add(l);
                loomcycleFirst.Add(f);
                loomcycleCpu.Add(lc);
            }

            double cpuDelta = Stats.Median(loomcycleCpu) - Stats.Median(emptyCpu);
            Console.WriteLine(FormattableString.Invariant(
                $"    import CPU time (robust under load): empty {Stats.Median(emptyCpu):0.0} ms, Loomcycle {Stats.Median(loomcycleCpu):0.0} ms (medians): {cpuDelta:+0.0;-0.0} ms"));
            Console.WriteLine(FormattableString.Invariant(
                $"    reference: the empty module with one view and one type extension {Stats.Median(withViews) - Stats.Median(empty):+0.0;-0.0} ms wall, {Stats.Median(withViewsCpu) - Stats.Median(emptyCpu):+0.0;-0.0} ms CPU over the empty module (PowerShell rebuilds its format and type tables for any module that ships views); Loomcycle over that: {Stats.Median(loomcycle) - Stats.Median(withViews):+0.0;-0.0} ms wall, {Stats.Median(loomcycleCpu) - Stats.Median(withViewsCpu):+0.0;-0.0} ms CPU"));
            Console.WriteLine(FormattableString.Invariant(
                $"    floor: Loomcycle's shape with none of its code ({shapeModule.CmdletCount} empty cmdlets of the same names, Loomcycle's own format and types files) {Stats.Median(shape) - Stats.Median(empty):+0.0;-0.0} ms wall, {Stats.Median(shapeCpu) - Stats.Median(emptyCpu):+0.0;-0.0} ms CPU over the empty module; Loomcycle over its shape: {Stats.Median(loomcycle) - Stats.Median(shape):+0.0;-0.0} ms wall, {Stats.Median(loomcycleCpu) - Stats.Median(shapeCpu):+0.0;-0.0} ms CPU"));
            goals.Add(FormattableString.Invariant($"[6] Import-Module Loomcycle CPU time within 50 ms of the empty module's (median of {sizes.ImportRounds}): {cpuDelta:+0.0;-0.0} ms {Verdict(cpuDelta <= 50)}"));

            double delta = Stats.Median(loomcycle) - Stats.Median(empty);
            double bestDelta = loomcycle.Min() - empty.Min();
            Console.WriteLine(FormattableString.Invariant(
                $"[6] Import-Module, fresh process each ({sizes.ImportRounds} alternating rounds): empty binary module best {empty.Min():0.0} / median {Stats.Median(empty):0.0} ms, Loomcycle best {loomcycle.Min():0.0} / median {Stats.Median(loomcycle):0.0} ms ({bestDelta:+0.0;-0.0} ms best, {delta:+0.0;-0.0} ms median, ratio {loomcycle.Min() / empty.Min():0.00}); first command: empty {Stats.Median(emptyFirst):0.0} ms, Loomcycle {Stats.Median(loomcycleFirst):0.0} ms (medians)"));
            double firstDelta = Stats.Median(loomcycleFirst) - Stats.Median(emptyFirst);
            goals.Add(FormattableString.Invariant($"[6] Import-Module Loomcycle within 50 ms of an empty binary module (cold process, median of {sizes.ImportRounds}): {delta:+0.0;-0.0} ms {Verdict(delta <= 50)} (best {bestDelta:+0.0;-0.0} ms); first command after import within 10 ms of the empty module's: {firstDelta:+0.0;-0.0} ms {Verdict(firstDelta <= 10)}"));
            return Task.CompletedTask;
        }
    }

    public static class Machine
    {
        public static string Describe()
        {
            string cpu = "unknown CPU";
            try
            {
                cpu = System.IO.File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
            }
            catch (System.IO.IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }

            return $"{Environment.ProcessorCount} logical cores, {cpu}, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
        }
    }
}
