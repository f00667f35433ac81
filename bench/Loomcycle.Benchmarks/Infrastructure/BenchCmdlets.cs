using System;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;

namespace Loomcycle.Benchmarks.Infrastructure
{
    /// <summary>What the bench cmdlets read and write; set by the benchmark before each invocation.</summary>
    public static class BenchShared
    {
        /// <summary>The objects Write-BenchObject emits (pre-built RunEvents of the same corpus).</summary>
        public static object[] Objects = Array.Empty<object>();

        /// <summary>Stopwatch timestamp of the first object Set-BenchArrival saw (0 until then).</summary>
        public static long FirstArrival;

        /// <summary>Called once by Set-BenchArrival on the first object (releases the held server stream).</summary>
        public static Action? OnFirstArrival;

        public static void Reset(Action? onFirstArrival)
        {
            Interlocked.Exchange(ref FirstArrival, 0);
            OnFirstArrival = onFirstArrival;
        }
    }

    /// <summary>The pipeline baseline: writes <see cref="BenchShared.Objects"/> with WriteObject, nothing else.</summary>
    [Cmdlet(VerbsCommunications.Write, "BenchObject")]
    public sealed class WriteBenchObjectCommand : PSCmdlet
    {
        protected override void ProcessRecord()
        {
            object[] objects = BenchShared.Objects;
            for (int i = 0; i < objects.Length; i++)
            {
                WriteObject(objects[i]);
            }
        }
    }

    /// <summary>A pipeline sink that stamps the arrival of the first object and counts the rest.</summary>
    [Cmdlet(VerbsCommon.Set, "BenchArrival")]
    public sealed class SetBenchArrivalCommand : PSCmdlet
    {
        private int _count;

        [Parameter(ValueFromPipeline = true)]
        public object? InputObject { get; set; }

        protected override void ProcessRecord()
        {
            if (_count++ == 0)
            {
                Interlocked.Exchange(ref BenchShared.FirstArrival, Stopwatch.GetTimestamp());
                BenchShared.OnFirstArrival?.Invoke();
            }
        }

        protected override void EndProcessing() => WriteObject(_count);
    }
}
