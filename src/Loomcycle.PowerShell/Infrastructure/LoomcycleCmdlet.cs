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
        private LoomcycleConnection? _connection;
        private PendingCall? _pending;

        /// <summary>The connection to use, from Connect-Loomcycle -PassThru. By default: the current connection, then LOOMCYCLE_BASE_URL/LOOMCYCLE_AUTH_TOKEN, then http://127.0.0.1:8787.</summary>
        [Parameter]
        [ValidateNotNull]
        public LoomcycleConnection? Connection { get; set; }

        /// <summary>The connection this invocation uses.</summary>
        protected LoomcycleConnection ResolvedConnection => _connection ??= ConnectionResolver.Resolve(Connection);

        private protected override void OnDisposing()
        {
            if (_pending is { } pending)
            {
                // The pipeline ended early (an error upstream, Ctrl+C): nobody reports this call's outcome any more.
                _pending = null;
                PipelineBridge.Abandon(pending.Task);
            }
        }

        /// <summary>Reports the outcome of the last <see cref="StartEngineCall"/> before the pipeline ends.</summary>
        protected override void EndProcessing() => FinishPendingCall();

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
        /// Starts one engine call for a pipeline item and returns before it finishes, so PowerShell binds the next item while
        /// this one is on the wire. Calls stay in order and one at a time (one socket): the next call, a confirmation prompt
        /// or the end of the pipeline first waits for this one and reports its failure as <see cref="LoomcycleEngineCmdlet.TryRun(object, Action, Func{LoomcycleException, string})"/>
        /// would, for <paramref name="target"/>. For calls whose result the pipeline does not need (deletes): a piped
        /// <c>Remove-LoomcycleSnapshot</c> otherwise pays PowerShell's per-item work and the request one after the other
        /// (issue 15, goal 5). A cmdlet that uses this and overrides EndProcessing calls <c>base.EndProcessing()</c>.
        /// </summary>
        protected void StartEngineCall(object? target, Func<LoomcycleConnection, CancellationToken, Task> call, Func<LoomcycleException, string?>? recommendedAction = null)
        {
            FinishPendingCall();
            LoomcycleConnection connection = OpenConnection();
            Task<bool> task = Bridge.Begin(Valued(token => call(connection, token)));
            _pending = new PendingCall(task, target, recommendedAction);
        }

        /// <summary>Waits for the call <see cref="StartEngineCall"/> left running, if any, and reports its failure.</summary>
        internal void FinishPendingCall()
        {
            if (_pending is not { } pending)
            {
                return;
            }

            _pending = null;
            TryRun(pending.Target, () => Bridge.End(pending.Task), pending.RecommendedAction);
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

        /// <summary>A call <see cref="StartEngineCall"/> started and has not reported yet.</summary>
        private sealed class PendingCall
        {
            public PendingCall(Task<bool> task, object? target, Func<LoomcycleException, string?>? recommendedAction)
            {
                Task = task;
                Target = target;
                RecommendedAction = recommendedAction;
            }

            public Task<bool> Task { get; }

            public object? Target { get; }

            public Func<LoomcycleException, string?>? RecommendedAction { get; }
        }
    }
}
