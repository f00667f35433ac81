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
        int LatencyRounds, long SnapshotBytes, int SnapshotRounds, int Deletes, int ImportRounds)
    {
        /// <summary>Every scenario once, tiny: proves the whole suite works (CI); the numbers mean little.</summary>
        public static readonly Sizes Smoke = new("smoke", 500, 2, 16 * 1024, 500, 1, 5, 4L << 20, 1, 200, 1);

        /// <summary>The sizes of the goals (1 GiB snapshot, 10 000 deletes).</summary>
        public static readonly Sizes Full = new("full", 20_000, 8, 256 * 1024, 20_000, 9, 200, 1L << 30, 3, 10_000, 5);
    }

    /// <summary>
    /// Runs the scenarios with plain stopwatches: every one in smoke mode, and in full mode the ones BenchmarkDotNet
    /// cannot express (latency distribution, peak memory of a 1 GiB transfer, cold-process import, sockets opened).
    /// Every number is a ratio against a baseline measured in the same run, interleaved to share the noise.
    /// </summary>
    public static class Measurements
    {
        public static async Task<int> RunAsync(Sizes sizes, bool throughput)
        {
            Console.WriteLine($"# Loomcycle benchmarks, {sizes.Name} measurements: {Machine.Describe()}");
            if (sizes == Sizes.Smoke)
            {
                Console.WriteLine("# Smoke sizes prove every scenario runs; they are too small for the verdicts below to mean anything (see bench/README.md).");
            }
            var goals = new List<string>();
            if (throughput)
            {
                await StreamAsync(sizes, StreamShape.TextDeltas, sizes.TextDeltas, goals).ConfigureAwait(false);
                await StreamAsync(sizes, StreamShape.ToolResults, sizes.ToolResults, goals).ConfigureAwait(false);
                await PipelineAsync(sizes, goals).ConfigureAwait(false);
            }

            await LatencyAsync(sizes, goals).ConfigureAwait(false);
            await SnapshotsAsync(sizes, goals).ConfigureAwait(false);
            await SmallRequestsAsync(sizes, goals, timeThem: throughput).ConfigureAwait(false);
            await ImportAsync(sizes, goals).ConfigureAwait(false);

            Console.WriteLine();
            Console.WriteLine("## Goals");
            foreach (string goal in goals)
            {
                Console.WriteLine("- " + goal);
            }

            return 0;
        }

        private static string Verdict(bool met) => met ? "MET" : "MISSED";

        /// <summary>
        /// Runs baseline and candidate alternately; returns their best (minimum) times in ms, the steadiest estimate of
        /// their own cost on a shared, loaded machine, and prints the medians beside them.
        /// </summary>
        private static async Task<(double Baseline, double Candidate)> AlternateAsync(int rounds, Func<Task> baseline, Func<Task> candidate)
        {
            await baseline().ConfigureAwait(false);
            await candidate().ConfigureAwait(false);
            var b = new List<double>();
            var c = new List<double>();
            for (int i = 0; i < rounds; i++)
            {
                bool candidateFirst = i % 2 == 1;
                if (candidateFirst)
                {
                    c.Add(await TimeAsync(candidate).ConfigureAwait(false));
                }

                b.Add(await TimeAsync(baseline).ConfigureAwait(false));
                if (!candidateFirst)
                {
                    c.Add(await TimeAsync(candidate).ConfigureAwait(false));
                }
            }

            Console.WriteLine(FormattableString.Invariant(
                $"    ({rounds} alternating rounds; best baseline {b.Min():0.00} ms / candidate {c.Min():0.00} ms, medians {Stats.Median(b):0.00} / {Stats.Median(c):0.00} ms, median ratio {Stats.Median(b) / Stats.Median(c):0.00})"));
            return (b.Min(), c.Min());
        }

        private static async Task<double> TimeAsync(Func<Task> operation)
        {
            var watch = Stopwatch.StartNew();
            await operation().ConfigureAwait(false);
            return watch.Elapsed.TotalMilliseconds;
        }

        private static async Task StreamAsync(Sizes sizes, StreamShape shape, int scale, List<string> goals)
        {
            await using StreamScenario s = await StreamScenario.StartAsync(shape, scale, sizes.ToolResultBytes).ConfigureAwait(false);
            (double bare, double engine) = await AlternateAsync(sizes.Rounds, s.BareAsync, s.EngineAsync).ConfigureAwait(false);
            double ratio = bare / engine;
            Console.WriteLine(FormattableString.Invariant(
                $"[1] stream {shape}: {s.Corpus.Events} events, {s.Corpus.Bytes.Length / 1024.0:0} KiB; bare {bare:0.00} ms ({s.Corpus.Events / bare:0} k ev/s), engine {engine:0.00} ms ({s.Corpus.Events / engine:0} k ev/s); throughput ratio engine/bare {ratio:0.00}"));
            goals.Add(FormattableString.Invariant($"[1] engine stream throughput {shape} ≥ 0.9 of the bare loop: {ratio:0.00} {Verdict(ratio >= 0.9)}"));
        }

        private static async Task PipelineAsync(Sizes sizes, List<string> goals)
        {
            await using PipelineScenario s = await PipelineScenario.StartAsync(sizes.PipelineDeltas).ConfigureAwait(false);
            s.Verify();
            (double baseline, double module) = await AlternateAsync(
                sizes.Rounds, () => Task.Run(s.WriteObjects), () => Task.Run(s.InvokeRun)).ConfigureAwait(false);
            double ratio = baseline / module;
            Console.WriteLine(FormattableString.Invariant(
                $"[2] pipeline: {s.Corpus.Events} objects; Write-BenchObject | Out-Null {baseline:0.00} ms ({s.Corpus.Events / baseline:0} k obj/s), Invoke-LoomcycleRun | Out-Null {module:0.00} ms ({s.Corpus.Events / module:0} k obj/s); ratio {ratio:0.00}"));
            goals.Add(FormattableString.Invariant($"[2] pipeline throughput ≥ 0.85 of a compiled WriteObject loop: {ratio:0.00} {Verdict(ratio >= 0.85)}"));
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
                (double bare, double engine) = await AlternateAsync(Math.Min(sizes.Rounds, 5), s.BareAsync, s.EngineAsync).ConfigureAwait(false);
                Console.WriteLine(FormattableString.Invariant($"    HttpClient loop {bare:0.0} ms ({bare * 1000 / sizes.Deletes:0.0} µs/call), engine loop {engine:0.0} ms ({engine * 1000 / sizes.Deletes:0.0} µs/call); ratio {bare / engine:0.00}"));
                goals.Add(FormattableString.Invariant($"[5] engine DeleteSnapshotAsync loop ≥ 0.8 of raw HttpClient: {bare / engine:0.00} {Verdict(bare / engine >= 0.8)}"));
                if (s.CmdletAvailable)
                {
                    (double bare2, double cmdlet) = await AlternateAsync(Math.Min(sizes.Rounds, 5), s.BareAsync, () => Task.Run(s.Cmdlet)).ConfigureAwait(false);
                    Console.WriteLine(FormattableString.Invariant($"    HttpClient loop {bare2:0.0} ms, $ids | Remove-LoomcycleSnapshot {cmdlet:0.0} ms ({cmdlet * 1000 / sizes.Deletes:0.0} µs/call); ratio {bare2 / cmdlet:0.00}"));
                    goals.Add(FormattableString.Invariant($"[5] Remove-LoomcycleSnapshot pipeline ≥ 0.8 of raw HttpClient: {bare2 / cmdlet:0.00} {Verdict(bare2 / cmdlet >= 0.8)}"));
                }
            }

            goals.Add($"[5] pooled connections: {engineSockets} socket(s) for {sizes.Deletes} engine calls {Verdict(engineSockets <= 1)}");
        }

        private static Task ImportAsync(Sizes sizes, List<string> goals)
        {
            var loomcycle = new List<double>();
            var empty = new List<double>();
            var loomcycleFirst = new List<double>();
            for (int i = 0; i < sizes.ImportRounds; i++)
            {
                (double e, _) = ImportScenario.Cold(HostedRunspace.EmptyManifest, "Get-BenchEmpty");
                (double l, double f) = ImportScenario.Cold(HostedRunspace.LoomcycleManifest, "Get-LoomcycleConnection");
                empty.Add(e);
                loomcycle.Add(l);
                loomcycleFirst.Add(f);
            }

            double delta = Stats.Median(loomcycle) - Stats.Median(empty);
            double bestDelta = loomcycle.Min() - empty.Min();
            Console.WriteLine(FormattableString.Invariant(
                $"[6] Import-Module, fresh process each ({sizes.ImportRounds} alternating rounds): empty binary module best {empty.Min():0.0} / median {Stats.Median(empty):0.0} ms, Loomcycle best {loomcycle.Min():0.0} / median {Stats.Median(loomcycle):0.0} ms ({bestDelta:+0.0;-0.0} ms best, {delta:+0.0;-0.0} ms median, ratio {loomcycle.Min() / empty.Min():0.00}); first Loomcycle command {Stats.Median(loomcycleFirst):0.0} ms"));
            goals.Add(FormattableString.Invariant($"[6] Import-Module Loomcycle within 50 ms of an empty binary module (cold process, best of {sizes.ImportRounds}): {bestDelta:+0.0;-0.0} ms {Verdict(bestDelta <= 50)}"));
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
