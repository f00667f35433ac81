using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;

namespace Loomcycle.Benchmarks.Infrastructure
{
    /// <summary>
    /// What one run of an operation cost: wall time, process CPU time (every thread: the client, the thread pool, the GC,
    /// and the in-process fake server, whose share is the same for baseline and candidate) and bytes allocated.
    /// </summary>
    public readonly record struct Cost(double WallMs, double CpuMs, long Allocated)
    {
        public static async Task<Cost> MeasureAsync(Func<Task> operation)
        {
            long allocated = GC.GetTotalAllocatedBytes(precise: false);
            double cpu = CpuClock.ProcessMs();
            var watch = Stopwatch.StartNew();
            await operation().ConfigureAwait(false);
            double wall = watch.Elapsed.TotalMilliseconds;
            return new Cost(wall, CpuClock.ProcessMs() - cpu, GC.GetTotalAllocatedBytes(precise: false) - allocated);
        }
    }

    /// <summary>Baseline and candidate costs of interleaved rounds (both see the same noise), and their ratios.</summary>
    public sealed class Comparison
    {
        public List<Cost> Baseline { get; } = new();

        public List<Cost> Candidate { get; } = new();

        /// <summary>Median wall time of the baseline ÷ of the candidate: candidate throughput as a share of the baseline's.</summary>
        public double WallRatio => Stats.Median(Baseline.Select(c => c.WallMs).ToList()) / Stats.Median(Candidate.Select(c => c.WallMs).ToList());

        /// <summary>Median CPU time of the baseline ÷ of the candidate (higher is better, like <see cref="WallRatio"/>).</summary>
        public double CpuRatio => Stats.Median(Baseline.Select(c => c.CpuMs).ToList()) / Stats.Median(Candidate.Select(c => c.CpuMs).ToList());

        public double BestWallRatio => Baseline.Min(c => c.WallMs) / Candidate.Min(c => c.WallMs);

        public double MedianWall(bool candidate) => Stats.Median((candidate ? Candidate : Baseline).Select(c => c.WallMs).ToList());

        public double MedianCpu(bool candidate) => Stats.Median((candidate ? Candidate : Baseline).Select(c => c.CpuMs).ToList());

        public double MedianAllocated(bool candidate) => Stats.Median((candidate ? Candidate : Baseline).Select(c => (double)c.Allocated).ToList());

        /// <summary>
        /// How long both sides run untimed before the timed rounds (full sizes). The JIT first compiles a method quickly
        /// and unoptimized, and compiles it again optimized (with profile-guided optimization) only after it has run a
        /// while in a quiet moment; one untimed round measured the unoptimized code of whichever side has more of it
        /// (scenario 1: 0.70 after one round, 0.96 with tiering off). The issue's goals are "after warm-up".
        /// </summary>
        public static TimeSpan WarmUp { get; set; } = TimeSpan.Zero;

        /// <summary>The first untimed round of each side: what a fresh process pays before the JIT has optimized anything.</summary>
        public Cost FirstBaseline { get; private set; }

        /// <summary>The candidate's first untimed round.</summary>
        public Cost FirstCandidate { get; private set; }

        /// <summary>Untimed warm-up rounds run before the timed ones.</summary>
        public int WarmUpRounds { get; private set; }

        /// <summary>
        /// Runs both untimed, alternating, for at least one round and <see cref="WarmUp"/>; then <paramref name="rounds"/>
        /// alternating rounds (every other round candidate first).
        /// </summary>
        public static async Task<Comparison> RunAsync(int rounds, Func<Task> baseline, Func<Task> candidate)
        {
            var result = new Comparison
            {
                FirstBaseline = await Cost.MeasureAsync(baseline).ConfigureAwait(false),
                FirstCandidate = await Cost.MeasureAsync(candidate).ConfigureAwait(false),
                WarmUpRounds = 1,
            };
            var warming = Stopwatch.StartNew();
            while (warming.Elapsed < WarmUp)
            {
                await baseline().ConfigureAwait(false);
                await candidate().ConfigureAwait(false);
                result.WarmUpRounds++;
            }

            for (int i = 0; i < rounds; i++)
            {
                if (i % 2 == 1)
                {
                    result.Candidate.Add(await Cost.MeasureAsync(candidate).ConfigureAwait(false));
                    result.Baseline.Add(await Cost.MeasureAsync(baseline).ConfigureAwait(false));
                }
                else
                {
                    result.Baseline.Add(await Cost.MeasureAsync(baseline).ConfigureAwait(false));
                    result.Candidate.Add(await Cost.MeasureAsync(candidate).ConfigureAwait(false));
                }
            }

            return result;
        }

        /// <summary>One line: medians of wall, CPU and allocations per unit, and the ratios.</summary>
        public string Describe(int units, string unit) => string.Create(CultureInfo.InvariantCulture,
            $"{DescribeSteady(units, unit)}{(WarmUpRounds > 1 ? $"; after {WarmUpRounds} untimed rounds (first round, cold JIT: wall {FirstBaseline.WallMs / FirstCandidate.WallMs:0.00}, CPU {FirstBaseline.CpuMs / FirstCandidate.CpuMs:0.00})" : string.Empty)}");

        private string DescribeSteady(int units, string unit) => string.Create(CultureInfo.InvariantCulture,
            $"    ({Baseline.Count} alternating rounds, medians) wall {MedianWall(false):0.00} / {MedianWall(true):0.00} ms, " +
            $"CPU {MedianCpu(false) * 1000 / units:0.00} / {MedianCpu(true) * 1000 / units:0.00} µs/{unit}, " +
            $"allocated {MedianAllocated(false) / units:0} / {MedianAllocated(true) / units:0} B/{unit} (baseline / candidate); " +
            $"ratios: wall {WallRatio:0.00} (best {BestWallRatio:0.00}), CPU {CpuRatio:0.00}, allocations {MedianAllocated(true) / MedianAllocated(false):0.00}x");
    }
}
