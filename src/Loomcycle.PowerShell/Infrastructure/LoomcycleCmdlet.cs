using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// Base of every cmdlet that talks to a server: resolves the connection, owns the cancellation that
    /// Ctrl+C triggers, and runs engine calls through the <see cref="PipelineBridge"/>.
    /// </summary>
    public abstract class LoomcycleCmdlet : LoomcycleEngineCmdlet
    {
        // Calls StartEngineCall queued behind each other; the pipeline thread reports them oldest first.
        private const int MaximumQueuedCalls = 32;

        private readonly Queue<PendingCall> _calls = new Queue<PendingCall>();
        private LoomcycleConnection? _connection;

        // Completes when the next queued call may start: the last one succeeded, or its failure has been reported.
        private Task _nextCallMayStart = Task.CompletedTask;

        /// <summary>The connection to use, from Connect-Loomcycle -PassThru. By default: the current connection, then LOOMCYCLE_BASE_URL/LOOMCYCLE_AUTH_TOKEN, then http://127.0.0.1:8787.</summary>
        [Parameter]
        [ValidateNotNull]
        public LoomcycleConnection? Connection { get; set; }

        /// <summary>The connection this invocation uses.</summary>
        protected LoomcycleConnection ResolvedConnection => _connection ??= ConnectionResolver.Resolve(Connection);

        private protected override void OnDisposing()
        {
            // The pipeline ended early (an error, -ErrorAction Stop, Ctrl+C): nobody reports these calls any more, and the
            // ones not yet sent never will be.
            while (_calls.Count > 0)
            {
                PendingCall pending = _calls.Dequeue();
                pending.Abandon();
                if (pending.IsCall)
                {
                    PipelineBridge.Abandon(pending.Task);
                }
            }
        }

        /// <summary>Reports the outcome of every <see cref="StartEngineCall"/> before the pipeline ends.</summary>
        protected override void EndProcessing() => FinishPendingCalls();

        /// <summary>Runs one engine call and returns its result; engine errors are thrown as they are.</summary>
        protected T InvokeEngine<T>(Func<LoomcycleConnection, CancellationToken, Task<T>> call)
        {
            LoomcycleConnection connection = OpenConnection();
            return Bridge.Invoke(token => call(connection, token));
        }

        /// <summary>Runs one engine call that returns nothing.</summary>
        protected void InvokeEngine(Func<LoomcycleConnection, CancellationToken, Task> call)
        {
            LoomcycleConnection connection = OpenConnection();
            Bridge.Invoke(Valued(token => call(connection, token)));
        }

        /// <summary>
        /// Queues one engine call for a pipeline item and returns at once, so PowerShell binds the next item while calls are
        /// on the wire. Calls run one at a time and in order (one socket), each started by the end of the one before it,
        /// with no wait on the pipeline thread in between. A call that failed holds back the next one until the pipeline
        /// thread has reported it (as <see cref="LoomcycleEngineCmdlet.TryRun(object, Action, Func{LoomcycleException, string})"/>
        /// would, for <paramref name="target"/>): under <c>-ErrorAction Stop</c> nothing after the failing item is sent.
        /// Finished calls are reported at the next item, a confirmation prompt and the end of the pipeline wait for all of
        /// them, and at most <see cref="MaximumQueuedCalls"/> wait at once. For calls whose result the pipeline does not need
        /// (deletes): a piped <c>Remove-LoomcycleSnapshot</c> otherwise pays PowerShell's per-item work, the request and a
        /// thread wake-up one after the other (issue 15, goal 5). <paramref name="call"/> may run after PowerShell has bound
        /// the next item's parameters: it must use only values the caller copied into locals, never the cmdlet's parameters.
        /// A cmdlet that uses this and overrides EndProcessing calls <c>base.EndProcessing()</c>.
        /// </summary>
        protected void StartEngineCall(object? target, Func<LoomcycleConnection, CancellationToken, Task> call, Func<LoomcycleException, string?>? recommendedAction = null)
        {
            ReportFinishedCalls();
            LoomcycleConnection connection = OpenConnection();
            Task<bool> task = Bridge.BeginAfter(_nextCallMayStart, Valued(token => call(connection, token)));
            Enqueue(new PendingCall(task, () => TryRun(target, () => Bridge.End(task), recommendedAction)));
        }

        /// <summary>
        /// As <see cref="StartEngineCall(object, Func{LoomcycleConnection, CancellationToken, Task}, Func{LoomcycleException, string})"/>,
        /// for a call whose result the pipeline needs: <paramref name="report"/> writes it on the pipeline thread, in queue
        /// order, and <paramref name="reportFailure"/> writes the call's failure. <paramref name="nextMayStartAtOnce"/> is
        /// asked as soon as the call has ended (on the thread that ended it): false holds the next call back until this
        /// one has been reported, as a failed call does — for a result that carries failures of its own, so that under
        /// <c>-ErrorAction Stop</c> nothing after them is sent.
        /// </summary>
        protected void StartEngineCall<T>(
            Func<LoomcycleConnection, CancellationToken, Task<T>> call,
            Func<T, bool> nextMayStartAtOnce,
            Action<T> report,
            Action<LoomcycleException> reportFailure)
        {
            ReportFinishedCalls();
            LoomcycleConnection connection = OpenConnection();
            T result = default!;
            Task<bool> task = Bridge.BeginAfter(_nextCallMayStart, async token =>
            {
                result = await call(connection, token).ConfigureAwait(false);
                return nextMayStartAtOnce(result);
            });
            Enqueue(new PendingCall(task, () =>
            {
                try
                {
                    Bridge.End(task);
                }
                catch (LoomcycleException ex)
                {
                    reportFailure(ex);
                    return;
                }

                report(result);
            }));
        }

        /// <summary>
        /// Runs <paramref name="report"/> on the pipeline thread after every queued call has been reported (at once when
        /// none is queued), so that what a cmdlet writes for an item it refused before sending (a validation error)
        /// keeps its place among the results of the items before it.
        /// </summary>
        protected void ReportInOrder(Action report)
        {
            if (_calls.Count == 0)
            {
                report();
                return;
            }

            _calls.Enqueue(new PendingCall(report));
        }

        /// <summary>Reports the calls at the head of the queue that have ended; waits for the oldest while the queue is full.</summary>
        private void ReportFinishedCalls()
        {
            while (_calls.Count > 0 && (_calls.Peek().Task.IsCompleted || _calls.Count >= MaximumQueuedCalls))
            {
                ReportOldestCall();
            }
        }

        private void Enqueue(PendingCall pending)
        {
            _nextCallMayStart = pending.NextMayStart;
            _calls.Enqueue(pending);
        }

        /// <summary>Waits for every call <see cref="StartEngineCall"/> queued and reports their failures, oldest first.</summary>
        internal void FinishPendingCalls()
        {
            while (_calls.Count > 0)
            {
                ReportOldestCall();
            }
        }

        private void ReportOldestCall()
        {
            PendingCall oldest = _calls.Dequeue();
            try
            {
                oldest.Report();
            }
            catch
            {
                oldest.Abandon(); // not reported (-ErrorAction Stop threw, Ctrl+C): the next call never starts
                throw;
            }

            oldest.Reported(); // written, the pipeline goes on: the next call may start
        }

        /// <summary>
        /// Streams items to <paramref name="onItem"/> on the pipeline thread as they arrive. The pipeline thread reads the
        /// source itself (see <see cref="PipelineBridge.Drive"/>): what is buffered is parsed and written with no hand-off,
        /// and the thread sleeps only while the source waits for the network.
        /// </summary>
        protected void Stream<T>(Func<LoomcycleConnection, CancellationToken, IAsyncEnumerable<T>> source, Action<T> onItem)
        {
            LoomcycleConnection connection = OpenConnection();
            Bridge.Drive(token => source(connection, token), onItem);
        }

        /// <summary>
        /// Starts a read whose result the command takes later with <see cref="EndRead{T}"/>, so that a few reads are on the
        /// wire while the command works on earlier results (on a network each read is a round trip). Only for reads: a
        /// read the command no longer needs (it failed or stopped first) is let go with <see cref="AbandonRead"/>.
        /// </summary>
        protected Task<T> BeginRead<T>(Func<LoomcycleConnection, CancellationToken, Task<T>> call)
        {
            LoomcycleConnection connection = OpenConnection();
            return Bridge.Begin(token => call(connection, token));
        }

        /// <summary>Waits on the pipeline thread for a read <see cref="BeginRead{T}"/> started; engine errors are thrown as they are.</summary>
        protected T EndRead<T>(Task<T> read) => Bridge.End(read);

        /// <summary>Lets go of a read nobody will take: it is counted until it ends, and its failure is observed.</summary>
        protected static void AbandonRead(Task read) => PipelineBridge.Abandon(read);

        /// <summary>The resolved connection; a closed one ends the command with advice to connect again.</summary>
        private LoomcycleConnection OpenConnection()
        {
            LoomcycleConnection connection = ResolvedConnection;
            if (connection.IsDisposed)
            {
                ThrowTerminatingError(LoomcycleErrors.ConnectionClosed(connection));
            }

            return connection;
        }

        /// <summary>Ends the command with the error as a terminating ErrorRecord.</summary>
        protected void ThrowLoomcycleError(LoomcycleException exception, object? target) =>
            ThrowTerminatingError(LoomcycleErrors.From(exception, target));

        /// <summary>A call <see cref="StartEngineCall"/> queued, or a report queued behind calls, not reported yet.</summary>
        private sealed class PendingCall
        {
            private readonly TaskCompletionSource<bool> _reported = new TaskCompletionSource<bool>();

            /// <param name="task">The call; its result is true when the next call may start as soon as it has ended.</param>
            /// <param name="report">Writes the call's outcome on the pipeline thread (waiting for it if need be).</param>
            public PendingCall(Task<bool> task, Action report)
            {
                Task = task;
                Report = report;
                IsCall = true;
                NextMayStart = task.ContinueWith(
                    (done, reported) => done.Status == TaskStatus.RanToCompletion && done.Result ? System.Threading.Tasks.Task.CompletedTask : ((TaskCompletionSource<bool>)reported!).Task,
                    _reported,
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.DenyChildAttach,
                    TaskScheduler.Default).Unwrap();
            }

            /// <summary>A report with no call of its own: it only keeps its place in the queue.</summary>
            public PendingCall(Action report)
            {
                Task = System.Threading.Tasks.Task.FromResult(true);
                Report = report;
                NextMayStart = System.Threading.Tasks.Task.CompletedTask;
            }

            public Task<bool> Task { get; }

            public Action Report { get; }

            /// <summary>True for a call started through the bridge (which counts it until it ends).</summary>
            public bool IsCall { get; }

            /// <summary>Completes when the call succeeded, or failed and was reported; canceled when it was abandoned.</summary>
            public Task NextMayStart { get; }

            public void Reported() => _reported.TrySetResult(true);

            public void Abandon() => _reported.TrySetCanceled();
        }
    }
}
