using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Loomcycle.Benchmarks.Infrastructure;
using Loomcycle.Benchmarks.Scenarios;

namespace Loomcycle.Benchmarks
{
    public static class Diag2
    {
        public static async Task RunAsync()
        {
            await using var s = await SmallRequestScenario.StartAsync(300);
            s.Runspace!.Runspace.SessionStateProxy.SetVariable("ids", s.Ids);
            foreach (string script in new[] { "$benchSnapshots | Remove-LoomcycleSnapshot -Force", "Remove-LoomcycleSnapshot -Id $ids -Force", "$ids | % { Remove-LoomcycleSnapshot -Id $_ -Force }", "$benchSnapshots | ForEach-Object { $_ } | Out-Null", "foreach ($i in $ids) { Get-LoomcycleConnection | Out-Null }", "foreach ($i in 1..300) { Test-LoomcycleConnection | Out-Null }" })
            {
                double best = double.MaxValue;
                for (int i = 0; i < 3; i++)
                {
                    var sw = Stopwatch.StartNew();
                    s.Runspace.Run(script);
                    best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
                }
                Console.WriteLine($"{best * 1000 / 300,8:0.0} µs/item  {script}");
            }
        }
    }
}
