using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Loomcycle.Benchmarks.Infrastructure
{
    /// <summary>
    /// CPU time (user + system) with microsecond resolution: getrusage on Linux (Process.TotalProcessorTime reads
    /// /proc in 10 ms ticks, too coarse for runs of a few ms), Process.TotalProcessorTime elsewhere. CPU time is what
    /// survives a loaded machine best: time spent waiting for a core is not counted.
    /// </summary>
    public static class CpuClock
    {
        private const int RusageSelf = 0;
        private const int RusageThread = 1;

        /// <summary>CPU time of the whole process, in milliseconds.</summary>
        public static double ProcessMs() => Read(RusageSelf) ?? Fallback();

        /// <summary>CPU time of the calling thread, in milliseconds (process CPU where the OS cannot tell).</summary>
        public static double ThreadMs() => Read(RusageThread) ?? Fallback();

        private static double Fallback()
        {
            using Process self = Process.GetCurrentProcess();
            return self.TotalProcessorTime.TotalMilliseconds;
        }

        private static double? Read(int who)
        {
            if (!OperatingSystem.IsLinux())
            {
                return null;
            }

            try
            {
                if (getrusage(who, out Rusage usage) != 0)
                {
                    return null;
                }

                return (usage.UserSeconds + usage.SystemSeconds) * 1000.0 + (usage.UserMicroseconds + usage.SystemMicroseconds) / 1000.0;
            }
            catch (DllNotFoundException)
            {
                return null;
            }
            catch (EntryPointNotFoundException)
            {
                return null;
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int getrusage(int who, out Rusage usage);

        [StructLayout(LayoutKind.Sequential)]
        private struct Rusage
        {
            public long UserSeconds;
            public long UserMicroseconds;
            public long SystemSeconds;
            public long SystemMicroseconds;
            public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NVcsw, NIvcsw;
        }
    }
}
