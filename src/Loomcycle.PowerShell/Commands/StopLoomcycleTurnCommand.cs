using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Stops the current turn of an interactive run, like pressing Esc.</summary>
    /// <remarks>
    /// Calls POST /v1/runs/{run_id}/cancel. Only the turn in progress stops; the run parks at awaiting_input and waits
    /// for the next Send-LoomcycleInput (Stop-LoomcycleAgent stops the whole run). Errors: the run is parked with no
    /// turn to stop (NotMidTurn, 409; calling again is safe), the run is not interactive (NotInteractive, 409), no
    /// such in-flight run (404).
    /// </remarks>
    /// <example>
    /// <code>Stop-LoomcycleTurn -RunId r_01HZX3 -Reason 'wrong direction'</code>
    /// <para>Stops the turn; the run waits for new instructions.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Stop, "LoomcycleTurn", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(TurnCancelResult))]
    public sealed class StopLoomcycleTurnCommand : LoomcycleCmdlet
    {
        /// <summary>The interactive run (r_…).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RunIdCompleter))]
        public string RunId { get; set; } = string.Empty;

        /// <summary>Why the turn is stopped; shown on the turn_cancelled event.</summary>
        [Parameter]
        public string? Reason { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(RunId, "Stop the current turn"))
            {
                return;
            }

            TryRun(RunId, () => WriteObject(InvokeEngine((connection, token) => connection.CancelTurnAsync(RunId, Reason, token))));
        }
    }
}
