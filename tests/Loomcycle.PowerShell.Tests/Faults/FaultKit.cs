using System;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Loomcycle.PowerShell.Tests.FaultTests
{
    /// <summary>Fault tests run alone: they count process-wide things (bridge workers, sockets).</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class FaultCollection
    {
        public const string Name = "Faults (not parallel)";
    }

    internal static class FaultKit
    {
        public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

        /// <summary>PipelineBridge.ActiveWorkers of the module loaded in this process (the tests see the module only through PowerShell).</summary>
        public static int ActiveBridgeWorkers()
        {
            Assembly module = AppDomain.CurrentDomain.GetAssemblies().First(a => a.GetName().Name == "Loomcycle.PowerShell");
            PropertyInfo property = module.GetType("Loomcycle.PowerShell.PipelineBridge", throwOnError: true)!
                .GetProperty("ActiveWorkers", BindingFlags.NonPublic | BindingFlags.Static)!;
            return (int)property.GetValue(null)!;
        }

        /// <summary>Waits (bounded) until no bridge worker is left running.</summary>
        public static async Task AssertNoWorkerLeftAsync()
        {
            DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (ActiveBridgeWorkers() != 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            Assert.Equal(0, ActiveBridgeWorkers());
        }

        /// <summary>Stops a running pipeline as Ctrl+C does, with a hang guard.</summary>
        public static async Task StopAsync(System.Management.Automation.PowerShell ps, IAsyncResult running)
        {
            await Task.Run(() => ps.Stop()).WaitAsync(HangGuard);
            try
            {
                ps.EndInvoke(running);
            }
            catch (PipelineStoppedException)
            {
            }
        }

        public static async Task WaitUntilAsync(Func<bool> condition, string what)
        {
            DateTime deadline = DateTime.UtcNow + HangGuard;
            while (!condition())
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException("Timed out waiting for " + what);
                }

                await Task.Delay(10);
            }
        }

        public static string Quote(string text) => "'" + text.Replace("'", "''") + "'";
    }
}
