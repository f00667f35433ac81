using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Loomcycle.Benchmarks.Scenarios;

namespace Loomcycle.Benchmarks
{
    /// <summary>
    /// <list type="bullet">
    /// <item><c>--smoke</c>: every scenario once, tiny sizes, then exit 0 (CI). A watchdog ends a hung run with exit 3.</item>
    /// <item><c>--measure</c>: the stopwatch measurements at full size (latency distribution, 1 GiB snapshots with peak
    /// memory, sockets, cold-process import) plus throughput ratios.</item>
    /// <item><c>--measure --processes N</c>: the measurement in N new processes one after another, then each goal's figures
    /// as the median of the processes [lowest–highest] and how many processes met each verdict.</item>
    /// <item><c>--profile parse|cmdlet-calls</c>: quick named profiles for diagnosis (see <see cref="Profiles"/>).</item>
    /// <item>anything else goes to BenchmarkDotNet (<c>--filter '*'</c>, <c>--list flat</c> …); <c>--filter '*'</c> then
    /// also runs the measurements BenchmarkDotNet cannot express.</item>
    /// </list>
    /// </summary>
    public static class Program
    {
        public static async Task<int> Main(string[] args)
        {
            if (args.Length >= 3 && args[0] == ImportScenario.ProbeSwitch)
            {
                return ImportScenario.Probe(args[1], args[2]);
            }

            if (args.Length >= 2 && args[0] == "--import-compare")
            {
                // Cold-process import of each manifest given, interleaved: `--import-compare <rounds> <psd1> <psd1> …`.
                int rounds = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
                var results = new System.Collections.Generic.Dictionary<string, System.Collections.Generic.List<(double, double, double)>>();
                for (int i = 0; i < rounds; i++)
                {
                    foreach (string manifest in args.Skip(2))
                    {
                        string first = manifest.Contains("EmptyModule", StringComparison.Ordinal) ? "Get-BenchEmpty" : "Get-LoomcycleConnection";
                        (results.TryGetValue(manifest, out var list) ? list : results[manifest] = new()).Add(ImportScenario.ColdWithCpu(manifest, first));
                    }
                }

                foreach (var (manifest, list) in results)
                {
                    Console.WriteLine(FormattableString.Invariant(
                        $"{manifest}: import median {Infrastructure.Stats.Median(list.Select(r => r.Item1).ToList()):0.0} ms wall, {Infrastructure.Stats.Median(list.Select(r => r.Item3).ToList()):0.0} ms CPU; first command {Infrastructure.Stats.Median(list.Select(r => r.Item2).ToList()):0.0} ms"));
                }

                return 0;
            }

            int profile = Array.IndexOf(args, "--profile");
            if (profile >= 0)
            {
                return await Profiles.RunAsync(profile + 1 < args.Length ? args[profile + 1] : string.Empty, args.Contains("--frame-per-read"));
            }

            int pick = Array.IndexOf(args, "--scenarios");
            ISet<int>? only = pick >= 0 && pick + 1 < args.Length
                ? args[pick + 1].Split(',').Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet()
                : null;
            if (args.Contains("--smoke"))
            {
                using var watchdog = new Timer(_ =>
                {
                    Console.Error.WriteLine("Smoke run exceeded 170 s: aborting.");
                    Environment.Exit(3);
                }, null, TimeSpan.FromSeconds(170), Timeout.InfiniteTimeSpan);
                var watch = System.Diagnostics.Stopwatch.StartNew();
                int code = await Measurements.RunAsync(Sizes.Smoke, throughput: true, only);
                Console.WriteLine($"Smoke run finished in {watch.Elapsed.TotalSeconds:0.0} s.");
                return code;
            }

            // Full measurements compare steady-state code (see Comparison.WarmUp); the smoke run only proves the scenarios run.
            Infrastructure.Comparison.WarmUp = TimeSpan.FromSeconds(2);
            int processes = Array.IndexOf(args, "--processes");
            if (args.Contains("--measure") && processes >= 0 && processes + 1 < args.Length)
            {
                // The same measurement in new processes, one after another; the goals merged (see ProcessRepeats).
                int count = int.Parse(args[processes + 1], System.Globalization.CultureInfo.InvariantCulture);
                return await Infrastructure.ProcessRepeats.RunAsync(count, args.Where((_, i) => i != processes && i != processes + 1).ToList());
            }

            if (args.Contains("--measure"))
            {
                return await Measurements.RunAsync(Sizes.Full, throughput: true, only);
            }

            IConfig config = DefaultConfig.Instance
                .AddJob(Job.Default
                    .WithToolchain(InProcessEmitToolchain.Instance)
                    .WithLaunchCount(1)
                    .WithWarmupCount(2)
                    .WithIterationCount(6)
                    .WithId("InProcess"))
                .AddDiagnoser(MemoryDiagnoser.Default)
                .AddColumn(StatisticColumn.Min, StatisticColumn.Median); // under load, Min is the steadiest estimate
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);

            int filter = Array.IndexOf(args, "--filter");
            if (filter >= 0 && filter + 1 < args.Length && args[filter + 1] == "*")
            {
                Console.WriteLine();
                return await Measurements.RunAsync(Sizes.Full, throughput: false);
            }

            return 0;
        }
    }
}
