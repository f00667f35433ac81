using System;
using System.Diagnostics;
using System.Threading.Tasks;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>
    /// Runs a script in the real pwsh (the local dotnet tool, `dotnet tool restore` first) from the repository root: for
    /// what the hosted runspace cannot show, such as Get-FormatData, which lives in Microsoft.PowerShell.Utility.
    /// </summary>
    internal static class RealPwsh
    {
        public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string script, TimeSpan? timeout = null)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = PowerShellSession.RepositoryRoot,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string arg in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-Command", script })
            {
                start.ArgumentList.Add(arg);
            }

            using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet pwsh");
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> errors = process.StandardError.ReadToEndAsync();
            try
            {
                // A hang detector, not a performance bound: pwsh starts in a few seconds even on a loaded machine.
                await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromMinutes(2));
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return (process.ExitCode, await output, await errors);
        }
    }
}
