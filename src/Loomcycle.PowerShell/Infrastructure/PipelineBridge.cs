using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// Connects engine work to the pipeline thread, where PowerShell allows Write* only. The pipeline thread starts the
    /// work and reads its results itself: a stream's buffered items are parsed and written on this thread with no
    /// hand-off (as a compiled cmdlet's own loop would), and the thread sleeps only while the work waits for the
    /// network, woken by the I/O completion or by a verbose, debug or warning message the work posted from the pool.
    /// Nothing is read ahead of the pipeline, so a slow pipeline holds a fast stream back (bounded memory). Stopping
    /// (Ctrl+C) cancels the work, which closes the HTTP request at once; a downstream Select-Object -First disposes it.
    /// </summary>
    /// <remarks>
    /// Before: a worker task on the pool parsed and posted batches through a BlockingCollection. That kept wall time at
    /// parity by burning a second core — twice the CPU per event of a compiled loop, plus a wake-up and spinning per
    /// hand-off (issue 15).
    /// </remarks>
    internal sealed class PipelineBridge
    {
        private static readonly TimeSpan WorkerExitWait = TimeSpan.FromSeconds(5);

        private static int _activeWorkers;

        private readonly LoomcycleEngineCmdlet _cmdlet;

        /// <summary>Bridge workers still running in this process (tests check that a stopped pipeline leaves none behind).</summary>
        internal static int ActiveWorkers => Volatile.Read(ref _activeWorkers);

        // One of each per cmdlet invocation, reused by every ProcessRecord (a pipeline of 10 000 ids makes 10 000 calls).
        private Waiter? _waiter;
        private CallFlow? _flow;

        public PipelineBridge(LoomcycleEngineCmdlet cmdlet)
        {
            _cmdlet = cmdlet;
        }

        private Waiter SharedWaiter => _waiter ??= new Waiter(_cmdlet);

        private CallFlow Flow => _flow ??= new CallFlow(SharedWaiter.Post, _cmdlet);

        private enum Kind
        {
            Verbose,
            Debug,
            Warning,
        }

        /// <summary>
        /// Runs one engine call and returns its result on the pipeline thread. The call starts on this thread (it continues
        /// on the thread pool at its first real await) and this thread sleeps until it completes, waking only to write
        /// its diagnostics: no queue, no worker task, no thread hop to start it.
        /// </summary>
        public T Invoke<T>(Func<CancellationToken, Task<T>> call) => End(Begin(call));

        /// <summary>
        /// Starts one engine call on this thread, as <see cref="Invoke{T}"/> does, and returns without waiting for it;
        /// <see cref="End{T}"/> waits for it. Between the two the pipeline thread is free (PowerShell binds the next item).
        /// </summary>
        public Task<T> Begin<T>(Func<CancellationToken, Task<T>> call)
        {
            CallFlow flow = Flow;
            Interlocked.Increment(ref _activeWorkers);
            try
            {
                return flow.Start(call, _cmdlet.StopToken);
            }
            catch
            {
                Interlocked.Decrement(ref _activeWorkers);
                throw;
            }
        }

        /// <summary>
        /// As <see cref="Begin{T}"/>, but the call starts only when <paramref name="after"/> has completed successfully: at
        /// once on this thread if it has, else on the thread that completes it (the end of the call before, on the pool),
        /// with no hand-off to the pipeline thread in between. If <paramref name="after"/> ends otherwise (the call before
        /// failed and its failure was not reported: the pipeline stopped), or the command is stopping, nothing is sent and
        /// the returned task is canceled.
        /// </summary>
        public Task<T> BeginAfter<T>(Task after, Func<CancellationToken, Task<T>> call)
        {
            if (after.Status == TaskStatus.RanToCompletion)
            {
                return Begin(call);
            }

            CallFlow flow = Flow;
            CancellationToken stop = _cmdlet.StopToken;
            Interlocked.Increment(ref _activeWorkers);
            return after.ContinueWith(
                gate => gate.Status == TaskStatus.RanToCompletion && !stop.IsCancellationRequested
                    ? flow.Start(call, stop)
                    : Task.FromCanceled<T>(new CancellationToken(canceled: true)),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.DenyChildAttach,
                TaskScheduler.Default).Unwrap();
        }

        /// <summary>Waits on the pipeline thread for a call <see cref="Begin{T}"/> started, writing its diagnostics; returns its result.</summary>
        public T End<T>(Task<T> task)
        {
            Waiter waiter = SharedWaiter;
            try
            {
                if (!task.IsCompleted)
                {
                    waiter.WaitFor(task, _cmdlet.StopToken);
                }

                waiter.Drain();
            }
            catch (OperationCanceledException) when (_cmdlet.StopToken.IsCancellationRequested)
            {
                // Ctrl+C: the call sees the same token and ends; give it a moment, then let go.
                waiter.WaitFor(task, WorkerExitWait);
                throw new System.Management.Automation.PipelineStoppedException();
            }
            finally
            {
                ReleaseWhenDone(task);
            }

            if (task.IsCanceled && _cmdlet.StopToken.IsCancellationRequested)
            {
                throw new System.Management.Automation.PipelineStoppedException();
            }

            return task.GetAwaiter().GetResult();
        }

        /// <summary>
        /// Lets go of a call <see cref="Begin{T}"/> started that nobody will wait for (the pipeline ended before it): it is
        /// counted until it ends, and its failure is observed so it cannot surface later as an unobserved exception.
        /// </summary>
        public static void Abandon(Task task)
        {
            task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            ReleaseWhenDone(task);
        }

        /// <summary>
        /// Reads <paramref name="source"/> from the pipeline thread and hands each item to <paramref name="onItem"/> there,
        /// as the bare loop of a compiled cmdlet would: items already buffered are read and written on this thread with no
        /// hand-off at all; only when the source must wait for the network does this thread sleep, to be woken by the
        /// I/O completion (or to write a diagnostic message). Stopping (Ctrl+C) cancels the pending read; a downstream
        /// command that wants no more (Select-Object -First) ends the loop and disposes the source, which closes the
        /// request. Exceptions of the source are thrown here, after every item read before them.
        /// </summary>
        public void Drive<T>(Func<CancellationToken, IAsyncEnumerable<T>> source, Action<T> onItem)
        {
            CancellationToken token = _cmdlet.StopToken;
            Waiter waiter = SharedWaiter;
            CallFlow flow = Flow;
            Interlocked.Increment(ref _activeWorkers);
            IAsyncEnumerator<T>? items = null;
            ValueTask<bool> next = default;
            bool pending = false;
            bool failed = true;
            try
            {
                items = flow.Open(source, token);
                var step = new CallFlow.Step<T>(items);
                while (true)
                {
                    next = flow.MoveNext(step);
                    if (!next.IsCompleted)
                    {
                        pending = true;
                        waiter.WaitFor(next, token);
                        pending = false;
                    }

                    waiter.Drain();
                    if (!next.GetAwaiter().GetResult())
                    {
                        break;
                    }

                    onItem(items.Current);
                }

                failed = false;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Ctrl+C: PowerShell ends the pipeline itself; just let go quickly (below).
            }
            finally
            {
                Task done = Finish(flow, waiter, items, next, pending, swallowErrors: failed);
                ReleaseWhenDone(done);
            }

            if (token.IsCancellationRequested)
            {
                throw new System.Management.Automation.PipelineStoppedException();
            }
        }

        /// <summary>Waits (bounded) for a read still pending, then disposes the source; returns what is still running, if anything.</summary>
        private static Task Finish<T>(CallFlow flow, Waiter waiter, IAsyncEnumerator<T>? items, ValueTask<bool> next, bool pending, bool swallowErrors)
        {
            if (items is null)
            {
                return Task.CompletedTask;
            }

            if (pending && !waiter.WaitFor(next, WorkerExitWait))
            {
                // A source that ignores cancellation: leave it (it cannot be disposed while it reads), count it until it ends.
                return WhenCompleted(next);
            }

            try
            {
                ValueTask disposing = flow.Dispose(items);
                if (!disposing.IsCompleted)
                {
                    Task task = disposing.AsTask();
                    if (!waiter.WaitFor(task, WorkerExitWait))
                    {
                        return task;
                    }

                    task.GetAwaiter().GetResult();
                }
                else
                {
                    disposing.GetAwaiter().GetResult();
                }
            }
            catch (Exception) when (swallowErrors)
            {
                // Already failing or stopping: the first error is the one to report.
            }

            return Task.CompletedTask;
        }

        /// <summary>A task for a read this thread gave up waiting for (its one continuation is already the waiter's).</summary>
        private static async Task WhenCompleted(ValueTask<bool> next)
        {
            while (!next.IsCompleted)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }

        private static void ReleaseWhenDone(Task work)
        {
            if (work.IsCompleted)
            {
                Interlocked.Decrement(ref _activeWorkers);
            }
            else
            {
                work.ContinueWith(static _ => Interlocked.Decrement(ref _activeWorkers), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }

        /// <summary>
        /// Starts engine work on the pipeline thread inside an execution context that carries this call's
        /// <see cref="LoomcycleCallContext"/> (so its continuations on the pool carry it too) and no synchronization
        /// context (so no continuation can wait for this blocked thread). Captured once per call, reused for every step.
        /// </summary>
        private sealed class CallFlow
        {
            private static readonly ContextCallback RunAction = static state => ((Action)state!)();

            private readonly ExecutionContext? _context;

            public CallFlow(Action<Kind, string> post, LoomcycleEngineCmdlet cmdlet)
            {
                // Only the lines PowerShell would write: every line posted is a message and a wake-up of the pipeline thread.
                bool verbose = cmdlet.WritesVerbose;
                bool debug = cmdlet.WritesDebug;
                var call = new LoomcycleCallContext
                {
                    Diagnostics = (level, text) =>
                    {
                        switch (level)
                        {
                            case DiagnosticLevel.Warning:
                                post(Kind.Warning, text);
                                break;
                            case DiagnosticLevel.Debug:
                                if (debug)
                                {
                                    post(Kind.Debug, text);
                                }

                                break;
                            default:
                                if (verbose)
                                {
                                    post(Kind.Verbose, text);
                                }

                                break;
                        }
                    },
                    MaximumRetryCount = cmdlet.MaximumRetryCount,
                    RetryInterval = cmdlet.RetryIntervalSec is int seconds ? TimeSpan.FromSeconds(seconds) : null,
                };
                LoomcycleCallContext? previous = LoomcycleCallContext.Current;
                LoomcycleCallContext.Current = call;
                _context = ExecutionContext.Capture();
                LoomcycleCallContext.Current = previous;
            }

            public Task<T> Start<T>(Func<CancellationToken, Task<T>> call, CancellationToken token)
            {
                Task<T>? task = null;
                Run(RunAction, new Action(() => task = call(token)));
                return task!;
            }

            public IAsyncEnumerator<T> Open<T>(Func<CancellationToken, IAsyncEnumerable<T>> source, CancellationToken token)
            {
                IAsyncEnumerator<T>? items = null;
                Run(RunAction, new Action(() => items = source(token).GetAsyncEnumerator(token)));
                return items!;
            }

            /// <summary>The hot path, once per item: no allocation.</summary>
            public ValueTask<bool> MoveNext<T>(Step<T> step)
            {
                Run(Step<T>.MoveNext, step);
                return step.Next;
            }

            public ValueTask Dispose<T>(IAsyncEnumerator<T> items)
            {
                ValueTask result = default;
                Run(RunAction, new Action(() => result = items.DisposeAsync()));
                return result;
            }

            private void Run(ContextCallback callback, object state)
            {
                SynchronizationContext? previous = SynchronizationContext.Current;
                if (previous is not null)
                {
                    SynchronizationContext.SetSynchronizationContext(null);
                }

                try
                {
                    if (_context is null)
                    {
                        callback(state);
                    }
                    else
                    {
#if NET8_0_OR_GREATER
                        ExecutionContext.Run(_context, callback, state);
#else
                        ExecutionContext.Run(_context.CreateCopy(), callback, state); // .NET Framework runs a captured context once
#endif
                    }
                }
                finally
                {
                    if (previous is not null)
                    {
                        SynchronizationContext.SetSynchronizationContext(previous);
                    }
                }
            }

            /// <summary>One enumerator's MoveNextAsync as a context callback; one instance per enumerator, reused.</summary>
            public sealed class Step<T>
            {
                public static readonly ContextCallback MoveNext = static state =>
                {
                    var step = (Step<T>)state!;
                    step.Next = step.Items.MoveNextAsync();
                };

                public Step(IAsyncEnumerator<T> items)
                {
                    Items = items;
                }

                public IAsyncEnumerator<T> Items { get; }

                public ValueTask<bool> Next { get; private set; }
            }
        }

        /// <summary>Diagnostics posted from any thread, and the wake-up of the sleeping pipeline thread.</summary>
        private sealed class Waiter
        {
            // No spinning: the pipeline thread sleeps only when the source waits for the network, where spinning burns
            // a core for nothing (the engine's own work never makes it wait).
            private readonly ManualResetEventSlim _signal = new ManualResetEventSlim(false, 0);
            private readonly LoomcycleEngineCmdlet _cmdlet;
            private readonly Action _wake;
            private ConcurrentQueue<Message>? _diagnostics;
            private bool _stopRegistered;

            public Waiter(LoomcycleEngineCmdlet cmdlet)
            {
                _cmdlet = cmdlet;
                _wake = _signal.Set;
            }

            public void Post(Kind kind, string text)
            {
                ConcurrentQueue<Message> queue = Volatile.Read(ref _diagnostics)
                    ?? Interlocked.CompareExchange(ref _diagnostics, new ConcurrentQueue<Message>(), null)
                    ?? _diagnostics!;
                queue.Enqueue(new Message(kind, text));
                _signal.Set();
            }

            /// <summary>Writes the diagnostics posted so far (pipeline thread only). Called once per item: the check inlines.</summary>
            public void Drain()
            {
                ConcurrentQueue<Message>? queue = Volatile.Read(ref _diagnostics);
                if (queue is not null && !queue.IsEmpty)
                {
                    Write(queue);
                }
            }

            private void Write(ConcurrentQueue<Message> queue)
            {
                while (queue.TryDequeue(out Message message))
                {
                    switch (message.Kind)
                    {
                        case Kind.Warning:
                            _cmdlet.WriteWarning((string)message.Payload);
                            break;
                        case Kind.Debug:
                            _cmdlet.WriteDebug((string)message.Payload);
                            break;
                        default:
                            _cmdlet.WriteVerbose((string)message.Payload);
                            break;
                    }
                }
            }

            /// <summary>Sleeps until <paramref name="next"/> completes, writing diagnostics as they come; throws when stopped.</summary>
            public void WaitFor(ValueTask<bool> next, CancellationToken stop)
            {
                next.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_wake);
                while (!next.IsCompleted)
                {
                    Sleep(stop);
                }
            }

            public void WaitFor(Task task, CancellationToken stop)
            {
                // A single call's answer often arrives within tens of µs (loopback, a busy pipeline of deletes): spin and yield
                // briefly before sleeping, which costs less CPU than a futex sleep and wake-up and lets the thread finishing the
                // call run (issue 15 goal 5: 0.43 → 0.61–0.68 of a raw HttpClient loop at load 9). Streams do not spin (see above).
                var spin = new SpinWait();
#if NET8_0_OR_GREATER
                for (int i = 0; i < 40 && !task.IsCompleted; i++)
                {
                    spin.SpinOnce(-1); // -1: yield, never Sleep(1)
                }
#else
                while (!task.IsCompleted && !spin.NextSpinWillYield)
                {
                    spin.SpinOnce(); // .NET Framework's SpinOnce would Sleep(1) later on: busy spins only
                }
#endif

                if (task.IsCompleted)
                {
                    return;
                }

                task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_wake);
                while (!task.IsCompleted)
                {
                    Sleep(stop);
                }
            }

            /// <summary>Waits at most <paramref name="limit"/> for a read <see cref="WaitFor(ValueTask{bool}, CancellationToken)"/> already watches.</summary>
            public bool WaitFor(ValueTask<bool> next, TimeSpan limit)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                while (!next.IsCompleted)
                {
                    TimeSpan left = limit - watch.Elapsed;
                    if (left <= TimeSpan.Zero)
                    {
                        return false;
                    }

                    _signal.Wait(left);
                    _signal.Reset();
                }

                return true;
            }

            /// <summary>Waits at most <paramref name="limit"/> for <paramref name="task"/> (no diagnostics: the pipeline is ending).</summary>
            public bool WaitFor(Task task, TimeSpan limit)
            {
                try
                {
                    task.Wait(limit);
                }
                catch (AggregateException)
                {
                    // Observed by whoever needs it.
                }

                return task.IsCompleted;
            }

            private void Sleep(CancellationToken stop)
            {
                if (!_stopRegistered)
                {
                    // Once per invocation (the stop token lives as long as the cmdlet), not once per wait.
                    stop.Register(static state => ((ManualResetEventSlim)state!).Set(), _signal);
                    _stopRegistered = true;
                }

                // Not Wait(stop): the registration above sets the signal on stop, so one wake-up path serves both.
                _signal.Wait(CancellationToken.None);
                _signal.Reset();
                stop.ThrowIfCancellationRequested();
                Drain();
            }
        }

        private readonly struct Message
        {
            public Message(Kind kind, object payload)
            {
                Kind = kind;
                Payload = payload;
            }

            public Kind Kind { get; }

            public object Payload { get; }
        }
    }
}
