using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets an agent run's status and usage, or a user's recent runs.</summary>
    /// <remarks>
    /// With -AgentId, calls GET /v1/agents/{id} for each id. With -UserId, calls GET /v1/users/{id}/agents;
    /// the server lists running agents unless -Status says otherwise ("all" for every status). Agent and
    /// user ids must match the server's pattern (letters, digits, '_' and '-'); others fail before sending.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleAgent a_01HZX3</code>
    /// <para>Shows one run's status, timing and token usage.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleAgent -UserId u1 -Status all | Where-Object Status -eq failed</code>
    /// <para>Lists the failed runs of user u1.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleAgent", DefaultParameterSetName = ByIdSet)]
    [OutputType(typeof(Agent))]
    public sealed class GetLoomcycleAgentCommand : LoomcycleCmdlet
    {
        private const string ByIdSet = "ById";
        private const string ByUserSet = "ByUser";

        /// <summary>The agent id (a_…) of the run to get.</summary>
        [Parameter(ParameterSetName = ByIdSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AgentIdCompleter))]
        public string AgentId { get; set; } = string.Empty;

        /// <summary>Lists the runs of this user.</summary>
        [Parameter(ParameterSetName = ByUserSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string UserId { get; set; } = string.Empty;

        /// <summary>Which runs to list: running (the server's default), completed, failed, cancelled or all.</summary>
        [Parameter(ParameterSetName = ByUserSet)]
        [ValidateSet("running", "completed", "failed", "cancelled", "all")]
        [LowerCase]
        public string? Status { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == ByUserSet)
            {
                TryRun(UserId, () =>
                {
                    foreach (Agent agent in InvokeEngine((connection, token) => connection.ListUserAgentsAsync(UserId, Status, token)))
                    {
                        WriteObject(agent);
                    }
                });
                return;
            }

            TryRun(AgentId, () => WriteObject(InvokeEngine((connection, token) => connection.GetAgentAsync(AgentId, token))));
        }
    }
}
