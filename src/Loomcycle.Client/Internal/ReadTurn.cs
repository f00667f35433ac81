#if NET8_0_OR_GREATER
using System;
using System.Diagnostics;
using System.Threading;

namespace Loomcycle
{
    /// <summary>
    /// Keeps one stream reader from holding a thread-pool thread while other work starves. A reader whose reads keep
    /// completing at once (its bytes are already buffered) never gives its thread back: with 100 streams started
    /// together on 2 cores, the last ones saw their first event only when the first ones had ended (first-event p99
    /// 200–500 ms). Once per turn (0.1 ms) of such reading on a pool thread, the reader checks whether the pool is
    /// stuck: work items wait and none has completed since its last check (every thread is held). Then it yields once,
    /// to the back of the queue. Work that other threads are getting through is no reason to yield (a single stream
    /// whose server shares the process would keep yielding for the server's work); nor is anything on a reader with
    /// its own thread (a cmdlet's pipeline thread), or on a live stream, whose reads wait for the network.
    /// One instance per stream; not thread-safe (a stream has one reader at a time).
    /// </summary>
    internal struct ReadTurn
    {
        /// <summary>How long a reader may keep its thread before it checks for starving work: 0.1 ms, a few KiB of deltas.</summary>
        internal static readonly long TurnTicks = Stopwatch.Frequency / 10_000;

        // Stopwatch timestamp of when the current turn began, 0 before the first read.
        private long _startedAt;

        // The pool's count of completed work items at the last check.
        private long _completedAtLastCheck;

        /// <summary>
        /// After a read that completed at once: whether to yield the thread now. <paramref name="othersStarve"/> replaces
        /// the check of the thread pool (tests).
        /// </summary>
        public bool ShouldYield(Func<bool>? othersStarve)
        {
            long now = Stopwatch.GetTimestamp();
            if (now - _startedAt < TurnTicks)
            {
                return false;
            }

            // Checked once per turn, not per read: both counts walk every thread's data.
            _startedAt = now;
            return Thread.CurrentThread.IsThreadPoolThread && (othersStarve?.Invoke() ?? PoolIsStuck());
        }

        /// <summary>After a read that had to wait (the thread was given back anyway), or after a yield.</summary>
        public void Restart() => _startedAt = Stopwatch.GetTimestamp();

        private bool PoolIsStuck()
        {
            long completed = ThreadPool.CompletedWorkItemCount;
            bool stuck = completed == _completedAtLastCheck && ThreadPool.PendingWorkItemCount > 0;
            _completedAtLastCheck = completed;
            return stuck;
        }
    }
}
#endif
