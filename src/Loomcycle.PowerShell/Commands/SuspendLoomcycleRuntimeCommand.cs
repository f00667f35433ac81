using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Pauses the loomcycle runtime: new runs are refused and running ones wind down.</summary>
    /// <remarks>
    /// Calls POST /v1/_pause and waits until the runtime is quiesced (the server caps the wind-down at five
    /// minutes; -TimeoutSec sets a shorter one, after which remaining runs are force-cancelled). Without
    /// -TimeoutSec no body is sent and the server's default applies. A runtime that is already pausing or
    /// paused gives an AlreadyPausing error; a server without a pause manager gives PauseNotConfigured.
    /// Asks for confirmation unless -Force or -Confirm:$false is given.
    /// </remarks>
    /// <example>
    /// <code>Suspend-LoomcycleRuntime -TimeoutSec 60 -Force; New-LoomcycleSnapshot -Label pre-upgrade; Resume-LoomcycleRuntime</code>
    /// <para>Quiesces the runtime for at most a minute, takes a consistent snapshot and resumes.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Suspend, "LoomcycleRuntime", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(PauseResult))]
    public sealed class SuspendLoomcycleRuntimeCommand : LoomcycleCmdlet
    {
        /// <summary>Seconds the running agents get to finish (1 to 300) before they are force-cancelled; sent as timeout_ms.</summary>
        [Parameter]
        [ValidateRange(1, 300)]
        public int? TimeoutSec { get; set; }

        /// <summary>Pauses without asking for confirmation (-WhatIf still only shows what would happen).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void EndProcessing()
        {
            string target = ResolvedConnection.BaseUri.ToString();
            if (!Confirmation.ShouldProcess(this, Force, target, "Pause the runtime"))
            {
                return;
            }

            int? timeoutMs = TimeoutSec * 1000;
            TryRun(target, () =>
            {
                PauseResult result = InvokeEngine((connection, token) => connection.PauseRuntimeAsync(timeoutMs, token));
                WriteServerWarnings(result.Warnings); // such as runs force-cancelled at the end of a wind-down

                WriteObject(result);
            });
        }
    }
}
