using System;
using System.Collections.Generic;
using System.Linq;

namespace Loomcycle.Benchmarks.Infrastructure
{
    public static class Stats
    {
        public static double Percentile(IReadOnlyList<double> values, double p)
        {
            if (values.Count == 0)
            {
                return double.NaN;
            }

            double[] sorted = values.OrderBy(v => v).ToArray();
            double rank = p / 100.0 * (sorted.Length - 1);
            int lo = (int)Math.Floor(rank);
            int hi = (int)Math.Ceiling(rank);
            return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
        }

        public static double Median(IReadOnlyList<double> values) => Percentile(values, 50);

        public static string Distribution(IReadOnlyList<double> ms) =>
            $"n={ms.Count} p50={Percentile(ms, 50):0.000} p90={Percentile(ms, 90):0.000} p99={Percentile(ms, 99):0.000} max={ms.Max():0.000} ms";
    }
}
