using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Cancels a running agent and the children it spawned.</summary>
    /// <remarks>
    /// Calls POST /v1/agents/{id}/cancel. The result says whether the run was cancelled, which child runs
    /// were cancelled with it (Cascaded) and how many runs that makes (CancelledCount, derived: the server
    /// sends no count). Cancelling a run that has already ended is not an error: Cancelled is then false and
    /// Status holds the final status. Asks for confirmation unless -Force or -Confirm:$false is given.
    /// </remarks>
    /// <example>
    /// <code>Stop-LoomcycleAgent a_01HZX3 -Reason 'stuck in a loop' -Force</code>
    /// <para>Cancels one run without asking.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleAgent -UserId u1 -Status running | Stop-LoomcycleAgent -Reason maintenance -Force</code>
    /// <para>Cancels every running agent of user u1.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Stop, "LoomcycleAgent", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(CancelAgentResult))]
    public sealed class StopLoomcycleAgentCommand : LoomcycleCmdlet
    {
        /// <summary>The agent id (a_…) of the run to cancel.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AgentIdCompleter))]
        public string AgentId { get; set; } = string.Empty;

        /// <summary>Why the run is cancelled; the server records it with the run.</summary>
        [Parameter]
        public string? Reason { get; set; }

        /// <summary>Cancels without asking for confirmation (-WhatIf still only shows what would happen).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            if (!Confirmation.ShouldProcess(this, Force, AgentId, "Cancel agent run"))
            {
                return;
            }

            TryRun(AgentId, () => WriteObject(InvokeEngine((connection, token) => connection.CancelAgentAsync(AgentId, Reason, token))));
        }
    }
}
