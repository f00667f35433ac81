using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// Runs engine work on the thread pool and hands everything it produces (output objects, verbose,
    /// debug and warning messages) to the pipeline thread through a bounded queue, because PowerShell
    /// allows Write* only on the pipeline thread. The queue is bounded so a fast stream waits for a slow
    /// pipeline instead of piling up in memory. Stopping (Ctrl+C or a downstream Select-Object -First)
    /// cancels the work, which closes the HTTP request at once.
    /// </summary>
    internal sealed class PipelineBridge
    {
        /// <summary>Messages in flight; a message may be a <see cref="Batch"/> of up to <see cref="MaxBatch"/> items.</summary>
        private const int Capacity = 64;

        /// <summary>
        /// Most items handed over at once. Items that are already parsed when the producer would otherwise wait for the
        /// network travel together, so a burst costs one wake-up of the pipeline thread instead of one per item.
        /// </summary>
        internal const int MaxBatch = 256;
        private static readonly TimeSpan WorkerExitWait = TimeSpan.FromSeconds(5);

        private static int _activeWorkers;

        private readonly LoomcycleCmdlet _cmdlet;

        /// <summary>Bridge workers still running in this process (tests check that a stopped pipeline leaves none behind).</summary>
        internal static int ActiveWorkers => Volatile.Read(ref _activeWorkers);

        public PipelineBridge(LoomcycleCmdlet cmdlet)
        {
            _cmdlet = cmdlet;
        }

        private enum Kind
        {
            Item,
            Verbose,
            Debug,
            Warning,
        }

        /// <summary>
        /// Runs <paramref name="work"/>, which may call the given post delegate from any thread; each posted
        /// item reaches <paramref name="onItem"/> on the pipeline thread, in order. Exceptions of the work are
        /// rethrown here, after every item posted before them.
        /// </summary>
        public void Run(Func<Action<object>, CancellationToken, Task> work, Action<object> onItem) => Run(work, onItem, startInline: false);

        /// <summary>The shared body of <see cref="Run(Func{Action{object}, CancellationToken, Task}, Action{object})"/> and <c>Invoke</c>.</summary>
        /// <param name="work">The engine work; it posts items through the delegate it is given.</param>
        /// <param name="onItem">Receives each posted item on the pipeline thread.</param>
        /// <param name="startInline">
        /// Start <paramref name="work"/> on this thread (it continues on the thread pool at its first await) instead of
        /// queueing it to the pool: one thread hop less per call, which dominates many small requests. Only for work
        /// that posts at most a few messages before its first await (the queue is bounded and drained by this thread).
        /// </param>
        private void Run(Func<Action<object>, CancellationToken, Task> work, Action<object> onItem, bool startInline)
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_cmdlet.StopToken);
            CancellationToken token = cancel.Token;
            using var queue = new BlockingCollection<Message>(Capacity);
            void Post(Kind kind, object payload)
            {
                try
                {
                    queue.Add(new Message(kind, payload), token);
                }
                catch (InvalidOperationException)
                {
                    // Completed: the pipeline side has gone; nothing to deliver to.
                }
            }

            var context = new LoomcycleCallContext
            {
                Diagnostics = (level, text) => Post(level switch { DiagnosticLevel.Warning => Kind.Warning, DiagnosticLevel.Debug => Kind.Debug, _ => Kind.Verbose }, text),
                MaximumRetryCount = _cmdlet.MaximumRetryCount,
                RetryInterval = _cmdlet.RetryIntervalSec is int seconds ? TimeSpan.FromSeconds(seconds) : null,
            };

            Interlocked.Increment(ref _activeWorkers);
            async Task Work()
            {
                LoomcycleCallContext.Current = context; // an async method's AsyncLocal changes never flow back to its caller
                try
                {
                    await work(item => Post(Kind.Item, item), token).ConfigureAwait(false);
                }
                finally
                {
                    try
                    {
                        queue.CompleteAdding();
                    }
                    catch (ObjectDisposedException)
                    {
                        // The pipeline side gave up waiting and is gone.
                    }

                    Interlocked.Decrement(ref _activeWorkers);
                }
            }

            Task worker = startInline ? StartInline(Work) : Task.Run(Work);

            try
            {
                foreach (Message message in queue.GetConsumingEnumerable(token))
                {
                    Dispatch(message, onItem);
                }
            }
            catch (OperationCanceledException) when (_cmdlet.StopToken.IsCancellationRequested)
            {
                // Ctrl+C: PowerShell ends the pipeline itself; just let go quickly.
            }
            finally
            {
                // Whatever ended the loop (done, stop, a downstream cmdlet that wants no more), end the work too.
                cancel.Cancel();
                try
                {
                    worker.Wait(WorkerExitWait);
                }
                catch (AggregateException)
                {
                    // Observed below when it matters.
                }
            }

            if (_cmdlet.StopToken.IsCancellationRequested)
            {
                throw new System.Management.Automation.PipelineStoppedException();
            }

            if (worker.IsFaulted && worker.Exception is AggregateException failure)
            {
                ExceptionDispatchInfo.Capture(failure.InnerExceptions.Count == 1 ? failure.InnerException! : failure).Throw();
            }
        }

        /// <summary>Runs one engine call and returns its result on the pipeline thread.</summary>
        public T Invoke<T>(Func<CancellationToken, Task<T>> call)
        {
            T result = default!;
            Run(async (_, token) => result = await call(token).ConfigureAwait(false), _ => { }, startInline: true);
            return result;
        }

        /// <summary>Starts async work on this thread with no synchronization context, so no continuation can wait for this (blocked) thread.</summary>
        private static Task StartInline(Func<Task> start)
        {
            SynchronizationContext? previous = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(null);
            try
            {
                return start();
            }
            catch (Exception ex)
            {
                return Task.FromException(ex);
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(previous);
            }
        }

        private void Dispatch(Message message, Action<object> onItem)
        {
            switch (message.Kind)
            {
                case Kind.Item when message.Payload is Batch batch:
                    foreach (object item in batch.Items)
                    {
                        onItem(item);
                    }

                    break;
                case Kind.Item:
                    onItem(message.Payload);
                    break;
                case Kind.Verbose:
                    _cmdlet.WriteVerbose((string)message.Payload);
                    break;
                case Kind.Debug:
                    _cmdlet.WriteDebug((string)message.Payload);
                    break;
                case Kind.Warning:
                    _cmdlet.WriteWarning((string)message.Payload);
                    break;
            }
        }

        /// <summary>Several items posted as one message; the pipeline thread receives them one by one, in order.</summary>
        internal sealed class Batch
        {
            public Batch(List<object> items)
            {
                Items = items;
            }

            public List<object> Items { get; }
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
