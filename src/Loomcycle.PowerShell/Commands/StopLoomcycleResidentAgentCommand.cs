using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Closes a resident sub-agent, or stops only its current turn.</summary>
    /// <remarks>
    /// Calls POST /v1/_resident/{run_id}/close (the child is cancelled and leaves the registry), or with -TurnOnly
    /// POST /v1/_resident/{run_id}/cancel (the turn in progress stops; Stopped says whether there was one). Errors: no
    /// such resident sub-agent (404). Asks for confirmation unless -Force or -Confirm:$false is given.
    /// </remarks>
    /// <example>
    /// <code>Stop-LoomcycleResidentAgent -RunId r_01HZX9 -Force</code>
    /// <para>Closes one resident sub-agent.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleResidentAgent | Where-Object State -eq running | Stop-LoomcycleResidentAgent -TurnOnly</code>
    /// <para>Interrupts every resident sub-agent that is working, keeping them alive.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Stop, "LoomcycleResidentAgent", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(ResidentStopResult))]
    public sealed class StopLoomcycleResidentAgentCommand : LoomcycleCmdlet
    {
        /// <summary>The resident child run (r_…).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ResidentRunIdCompleter))]
        public string RunId { get; set; } = string.Empty;

        /// <summary>Stops only the current turn; the sub-agent stays.</summary>
        [Parameter]
        public SwitchParameter TurnOnly { get; set; }

        /// <summary>Acts without asking for confirmation (-WhatIf still only shows what would happen).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            if (!Confirmation.ShouldProcess(this, Force, RunId, TurnOnly ? "Stop the resident sub-agent's current turn" : "Close the resident sub-agent"))
            {
                return;
            }

            TryRun(RunId, () => WriteObject(InvokeEngine((connection, token) => connection.StopResidentAgentAsync(RunId, TurnOnly, token))));
        }
    }
}
