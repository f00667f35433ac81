using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Lists the resident (long-lived interactive) sub-agents of the server.</summary>
    /// <remarks>
    /// Calls GET /v1/_resident. The list is per server process (replica). Each object has RunId (the child run),
    /// AgentId, AgentName, ParentAgentId, State (running while it works), IdleTtlSeconds and LastUsedAt; pipe it to
    /// Stop-LoomcycleResidentAgent.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleResidentAgent | Where-Object State -ne running | Stop-LoomcycleResidentAgent -Force</code>
    /// <para>Reaps every idle resident sub-agent.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleResidentAgent")]
    [OutputType(typeof(ResidentAgent))]
    public sealed class GetLoomcycleResidentAgentCommand : LoomcycleCmdlet
    {
        /// <summary>The tenant to focus on (honoured for admin tokens only).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Tenant { get; set; }

        protected override void ProcessRecord() =>
            TryRun(Tenant, () => WriteObject(InvokeEngine((connection, token) => connection.ListResidentAgentsAsync(Tenant, token)), enumerateCollection: true));
    }
}
