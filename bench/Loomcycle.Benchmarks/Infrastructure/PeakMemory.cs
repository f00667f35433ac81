using System;
using System.Threading;

namespace Loomcycle.Benchmarks.Infrastructure
{
    /// <summary>
    /// Samples the process working set and GC heap every 2 ms while an operation runs and reports the growth over the
    /// values just before it (after a full collection). The fake server runs in this process too, so its memory counts:
    /// the numbers are an upper bound for the client.
    /// </summary>
    public sealed class PeakMemory : IDisposable
    {
        private readonly Thread _thread;
        private readonly long _startWorkingSet;
        private readonly long _startHeap;
        private readonly long _startAllocated;
        private volatile bool _stop;
        private long _peakWorkingSet;
        private long _peakHeap;

        public PeakMemory()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            _startWorkingSet = Environment.WorkingSet;
            _startHeap = GC.GetTotalMemory(false);
            _startAllocated = GC.GetTotalAllocatedBytes(false);
            _peakWorkingSet = _startWorkingSet;
            _peakHeap = _startHeap;
            _thread = new Thread(Sample) { IsBackground = true, Name = "PeakMemory" };
            _thread.Start();
        }

        public double WorkingSetGrowthMiB { get; private set; }

        public double HeapGrowthMiB { get; private set; }

        public double AllocatedMiB { get; private set; }

        private void Sample()
        {
            while (!_stop)
            {
                Observe();
                Thread.Sleep(2);
            }
        }

        private void Observe()
        {
            long ws = Environment.WorkingSet;
            long heap = GC.GetTotalMemory(false);
            if (ws > _peakWorkingSet)
            {
                _peakWorkingSet = ws;
            }

            if (heap > _peakHeap)
            {
                _peakHeap = heap;
            }
        }

        public void Dispose()
        {
            _stop = true;
            _thread.Join();
            Observe();
            WorkingSetGrowthMiB = (_peakWorkingSet - _startWorkingSet) / 1048576.0;
            HeapGrowthMiB = (_peakHeap - _startHeap) / 1048576.0;
            AllocatedMiB = (GC.GetTotalAllocatedBytes(false) - _startAllocated) / 1048576.0;
        }
    }
}
