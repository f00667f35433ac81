using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// Base of a cmdlet that runs engine calls through the <see cref="PipelineBridge"/> (engine verbose, debug and warning
    /// lines reach the pipeline; Ctrl+C cancels the call) and reports failures as ErrorRecords. Most cmdlets derive from
    /// <see cref="LoomcycleCmdlet"/>, which adds -Connection; this base is for a cmdlet that talks to a server on connections
    /// it did not resolve itself (Stop-LoomcycleHookListener deletes each hook on the connection that registered it).
    /// </summary>
    public abstract class LoomcycleEngineCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
        private PipelineBridge? _bridge;

        /// <summary>Writes the warnings a server answer carries (a pause's force-cancelled runs, a restore's skipped parts).</summary>
        protected void WriteServerWarnings(string[]? warnings)
        {
            foreach (string warning in warnings ?? Array.Empty<string>())
            {
                WriteWarning(warning);
            }
        }

        /// <summary>Retries after 429, 503 or a failed connect, for requests that are safe to repeat. Overrides the connection's default.</summary>
        [Parameter]
        [ValidateRange(0, 20)]
        public int? MaximumRetryCount { get; set; }

        /// <summary>Seconds before the first retry when the server sends no Retry-After; doubles each attempt, with jitter. Overrides the connection's default.</summary>
        [Parameter]
        [ValidateRange(0, 3600)]
        public int? RetryIntervalSec { get; set; }

        /// <summary>Cancelled when the pipeline stops (Ctrl+C, or a downstream command that wants no more).</summary>
        internal CancellationToken StopToken => _stopping.Token;

        /// <summary>
        /// Whether WriteVerbose writes anything in this invocation (-Verbose, else $VerbosePreference, as PowerShell
        /// decides). The engine's verbose lines are passed to the pipeline thread only then: one per request, each a
        /// message, a wake-up of that thread and a WriteVerbose that PowerShell drops (issue 15, goal 5).
        /// </summary>
        internal bool WritesVerbose => Writes("Verbose", "VerbosePreference");

        /// <summary>As <see cref="WritesVerbose"/>, for WriteDebug (-Debug, else $DebugPreference).</summary>
        internal bool WritesDebug => Writes("Debug", "DebugPreference");

        private protected PipelineBridge Bridge => _bridge ??= new PipelineBridge(this);

        public void Dispose()
        {
            OnDisposing();
            _stopping.Dispose();
            GC.SuppressFinalize(this);
        }

        /// <summary>Lets a derived cmdlet let go of work still running before the cancellation source is disposed.</summary>
        private protected virtual void OnDisposing()
        {
        }

        protected override void StopProcessing() => _stopping.Cancel();

        /// <summary>What PowerShell's own check decides: the common parameter when bound, else the preference in scope.</summary>
        private bool Writes(string commonParameter, string preferenceVariable)
        {
            if (MyInvocation.BoundParameters.TryGetValue(commonParameter, out object? bound))
            {
                return bound is SwitchParameter flag ? flag.IsPresent : LanguagePrimitives.IsTrue(bound);
            }

            object? value = GetVariableValue(preferenceVariable);
            if (!LanguagePrimitives.TryConvertTo(value, out ActionPreference preference))
            {
                return true; // not a preference PowerShell can read either: let WriteVerbose/WriteDebug decide
            }

            return preference != ActionPreference.SilentlyContinue && preference != ActionPreference.Ignore;
        }

        /// <summary>Runs one engine call on connections the cmdlet holds itself, through the bridge; engine errors are thrown as they are.</summary>
        protected void InvokeEngine(Func<CancellationToken, Task> call) => Bridge.Invoke(Valued(call));

        /// <summary>A call that returns nothing, as the bridge's value-returning shape (true when it completed).</summary>
        private protected static Func<CancellationToken, Task<bool>> Valued(Func<CancellationToken, Task> call) =>
            async token =>
            {
                await call(token).ConfigureAwait(false);
                return true;
            };

        /// <summary>
        /// Runs <paramref name="action"/>, reporting a Loomcycle failure as a non-terminating error for
        /// <paramref name="target"/> so the pipeline goes on with the next item. Returns false on failure.
        /// </summary>
        protected bool TryRun(object? target, Action action) => TryRun(target, action, null);

        /// <summary>
        /// As <see cref="TryRun(object?, Action)"/>; <paramref name="recommendedAction"/> gives the advice for a failure
        /// that this cmdlet can phrase in its own parameters (null: the general advice).
        /// </summary>
        protected bool TryRun(object? target, Action action, Func<LoomcycleException, string?>? recommendedAction)
        {
            try
            {
                action();
                return true;
            }
            catch (LoomcycleException ex)
            {
                WriteError(LoomcycleErrors.From(ex, target, recommendedAction?.Invoke(ex)));
                return false;
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException)
            {
                // A local file the item reads or writes (a snapshot file, a definition file) is that item's error too: one
                // locked or unreadable file must not end a pipeline of many.
                WriteError(LoomcycleErrors.FromFile(ex, target));
                return false;
            }
        }
    }
}
