using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace Loomcycle.Benchmarks.Infrastructure
{
    /// <summary>
    /// <c>--measure --processes N</c>: the same measurement in N new processes, one after another, then every goal line
    /// once, each of its figures as the median of the processes with their range, each verdict with how many processes
    /// met it. On this machine a ratio moves by 0.1–0.4 from one process to the next (which code the JIT settles on,
    /// how far the thread pool grows), far more than between the interleaved rounds of one process: a verdict on the
    /// median of processes is one that another run can reproduce.
    /// </summary>
    public static class ProcessRepeats
    {
        private static readonly Regex Figure = new Regex(@"[+-]?\d+(?:\.\d+)?|\bMET\b|\bMISSED\b", RegexOptions.CultureInvariant);

        public static async Task<int> RunAsync(int processes, IReadOnlyList<string> args)
        {
            var goalsByProcess = new List<List<string>>();
            for (int i = 1; i <= processes; i++)
            {
                Console.WriteLine($"# Process {i} of {processes}");
                (int exitCode, List<string> goals) = await RunOneAsync(args).ConfigureAwait(false);
                if (exitCode != 0)
                {
                    Console.Error.WriteLine($"Process {i} ended with exit code {exitCode}.");
                    return exitCode;
                }

                goalsByProcess.Add(goals);
            }

            Console.WriteLine();
            Console.WriteLine($"## Goals over {processes} processes (each figure: the median of the processes [lowest–highest]; each verdict: how many met it)");
            foreach (string line in Summarize(goalsByProcess))
            {
                Console.WriteLine("- " + line);
            }

            return 0;
        }

        /// <summary>One goal line per goal: the lines of every process merged figure by figure (they differ only in figures).</summary>
        internal static IEnumerable<string> Summarize(IReadOnlyList<List<string>> goalsByProcess)
        {
            int goals = goalsByProcess.Min(g => g.Count);
            for (int g = 0; g < goals; g++)
            {
                List<string> lines = goalsByProcess.Select(p => p[g]).ToList();
                List<MatchCollection> figures = lines.Select(l => Figure.Matches(l)).ToList();
                if (figures.Any(f => f.Count != figures[0].Count))
                {
                    yield return lines[0] + " (the processes' lines differ in shape; the first process's shown)";
                    continue;
                }

                var merged = new StringBuilder();
                int at = 0;
                string first = lines[0];
                for (int f = 0; f < figures[0].Count; f++)
                {
                    Match m = figures[0][f];
                    merged.Append(first, at, m.Index - at);
                    merged.Append(Merge(figures.Select(c => c[f].Value).ToList()));
                    at = m.Index + m.Length;
                }

                merged.Append(first, at, first.Length - at);
                yield return merged.ToString();
            }
        }

        private static string Merge(List<string> values)
        {
            if (values.All(v => v == values[0]))
            {
                return values[0];
            }

            if (values.All(v => v == "MET" || v == "MISSED"))
            {
                return FormattableString.Invariant($"MET in {values.Count(v => v == "MET")} of {values.Count}");
            }

            List<double> numbers = values.Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList();
            int decimals = values.Max(v => v.Contains('.', StringComparison.Ordinal) ? v.Length - v.IndexOf('.', StringComparison.Ordinal) - 1 : 0);
            string format = decimals == 0 ? "0" : "0." + new string('0', decimals);
            string sign = values[0].StartsWith('+') ? "+" : string.Empty;
            string Show(double d) => (d >= 0 ? sign : string.Empty) + d.ToString(format, CultureInfo.InvariantCulture);
            return $"{Show(Stats.Median(numbers))} [{Show(numbers.Min())}–{Show(numbers.Max())}]";
        }

        /// <summary>This benchmark program again, in a new process with <paramref name="args"/>, its output redirected.</summary>
        internal static Process StartChild(IEnumerable<string> args)
        {
            string host = Environment.ProcessPath ?? throw new InvalidOperationException("The process path is unknown.");
            var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
            if (string.Equals(Path.GetFileNameWithoutExtension(host), "dotnet", StringComparison.OrdinalIgnoreCase))
            {
                start.ArgumentList.Add(typeof(ProcessRepeats).Assembly.Location);
            }

            foreach (string arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {host}.");
        }

        private static async Task<(int ExitCode, List<string> Goals)> RunOneAsync(IReadOnlyList<string> args)
        {
            using Process process = StartChild(args);
            var goals = new List<string>();
            bool inGoals = false;
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync().ConfigureAwait(false)) is not null)
            {
                Console.WriteLine(line);
                if (line == "## Goals")
                {
                    inGoals = true;
                }
                else if (inGoals && line.StartsWith("- ", StringComparison.Ordinal))
                {
                    goals.Add(line.Substring(2));
                }
            }

            await process.WaitForExitAsync().ConfigureAwait(false);
            return (process.ExitCode, goals);
        }
    }
}
