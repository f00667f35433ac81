using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using Loomcycle.Benchmarks.Infrastructure;

namespace Loomcycle.Benchmarks.Scenarios
{
    /// <summary>
    /// Scenario 6: Import-Module Loomcycle in a fresh runspace against an empty binary module. "Warm" runs in this
    /// process (assemblies already loaded after the first time); "cold" starts a new process per import, which is what a
    /// user's new pwsh session pays.
    /// </summary>
    public static class ImportScenario
    {
        public const string ProbeSwitch = "--import-probe";

        /// <summary>Imports <paramref name="manifest"/> into an already open runspace; returns milliseconds.</summary>
        public static double Import(HostedRunspace fresh, string manifest)
        {
            var watch = Stopwatch.StartNew();
            fresh.Run($"Import-Module '{manifest}' -ErrorAction Stop");
            return watch.Elapsed.TotalMilliseconds;
        }

        /// <summary>The child process side: opens a runspace (untimed), times the import and the first command.</summary>
        public static int Probe(string manifest, string firstCommand)
        {
            using var rs = new HostedRunspace();
            double cpu = CpuClock.ProcessMs();
            double import = Import(rs, manifest);
            double importCpu = CpuClock.ProcessMs() - cpu;
            var watch = Stopwatch.StartNew();
            rs.Run(firstCommand + " | Out-Null");
            double first = watch.Elapsed.TotalMilliseconds;
            Console.WriteLine(FormattableString.Invariant($"IMPORT_MS={import:0.000} FIRST_MS={first:0.000} IMPORT_CPU_MS={importCpu:0.000}"));
            return 0;
        }

        /// <summary>Runs the probe in a new process; returns (import ms, first command ms).</summary>
        public static (double Import, double First) Cold(string manifest, string firstCommand)
        {
            var (import, first, _) = ColdWithCpu(manifest, firstCommand);
            return (import, first);
        }

        private static readonly Lazy<bool> PwshRestored = new Lazy<bool>(() => RunPwsh("exit 0", out _) == 0);

        /// <summary>Where the cold imports run: the repo's real pwsh when the local tool is restored, else the hosted probe.</summary>
        public static string Host => PwshRestored.Value
            ? "real pwsh (dotnet pwsh, the repo's local tool): what a user's new session pays"
            : "hosted runspace in a probe process (System.Management.Automation from NuGet; run `dotnet tool restore` for the real pwsh)";

        /// <summary>As <see cref="Cold"/>, plus the process CPU time the import took (robust on a loaded machine).</summary>
        public static (double Import, double First, double ImportCpu) ColdWithCpu(string manifest, string firstCommand) =>
            PwshRestored.Value ? ColdInPwsh(manifest, firstCommand) : ColdHosted(manifest, firstCommand);

        /// <summary>A new <c>dotnet pwsh</c> per import; the import and first command are timed inside it.</summary>
        private static (double Import, double First, double ImportCpu) ColdInPwsh(string manifest, string firstCommand)
        {
            string script =
                "$ErrorActionPreference = 'Stop'; $c0 = [System.Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime; " +
                "$w = [System.Diagnostics.Stopwatch]::StartNew(); Import-Module '" + manifest.Replace("'", "''") + "'; " +
                "$i = $w.Elapsed.TotalMilliseconds; $c = ([System.Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime - $c0).TotalMilliseconds; " +
                "$w.Restart(); " + firstCommand + " | Out-Null; $f = $w.Elapsed.TotalMilliseconds; " +
                "[string]::Format([cultureinfo]::InvariantCulture, 'IMPORT_MS={0:0.000} FIRST_MS={1:0.000} IMPORT_CPU_MS={2:0.000}', $i, $f, $c)";
            if (RunPwsh(script, out string output) != 0)
            {
                throw new InvalidOperationException("The pwsh import probe failed: " + output);
            }

            return Parse(output) ?? throw new InvalidOperationException("The pwsh import probe printed no timing: " + output);
        }

        private static int RunPwsh(string script, out string output)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = HostedRunspace.RepositoryRoot };
            foreach (string argument in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-Command", script })
            {
                start.ArgumentList.Add(argument);
            }

            try
            {
                using Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet pwsh.");
                var stderr = process.StandardError.ReadToEndAsync();
                output = process.StandardOutput.ReadToEnd();
                if (!process.WaitForExit(60_000))
                {
                    process.Kill(entireProcessTree: true);
                    output += " (timed out)";
                    return -1;
                }

                output += stderr.Result;
                return process.ExitCode;
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                output = ex.Message;
                return -1;
            }
        }

        private static (double, double, double)? Parse(string output)
        {
            foreach (string line in output.Split('\n'))
            {
                if (line.StartsWith("IMPORT_MS=", StringComparison.Ordinal))
                {
                    string[] parts = line.Trim().Split(' ');
                    return (double.Parse(parts[0].Substring(10), CultureInfo.InvariantCulture), double.Parse(parts[1].Substring(9), CultureInfo.InvariantCulture), double.Parse(parts[2].Substring(14), CultureInfo.InvariantCulture));
                }
            }

            return null;
        }

        private static (double Import, double First, double ImportCpu) ColdHosted(string manifest, string firstCommand)
        {
            string self = typeof(ImportScenario).Assembly.Location;
            string host = Environment.ProcessPath ?? "dotnet";
            var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            {
                start.ArgumentList.Add(self);
            }
            else if (!Path.GetFileNameWithoutExtension(host).Equals(Path.GetFileNameWithoutExtension(self), StringComparison.OrdinalIgnoreCase))
            {
                start.FileName = "dotnet";
                start.ArgumentList.Add(self);
            }

            start.ArgumentList.Add(ProbeSwitch);
            start.ArgumentList.Add(manifest);
            start.ArgumentList.Add(firstCommand);
            using Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the import probe.");
            var stderr = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(60_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("The import probe did not finish within 60 s.");
            }

            return Parse(output) ?? throw new InvalidOperationException($"The import probe failed (exit {process.ExitCode}): {output} {stderr.Result}");
        }
    }
}
