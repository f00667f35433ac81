using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets the agents the connection's token may run.</summary>
    /// <remarks>
    /// Calls GET /v1/_runnable-agents and writes one object per agent, by name. Source says where the
    /// definition comes from: bundled with the server, or defined in the tenant. Tenant agents are left
    /// out for isolated users.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleRunnableAgent | Where-Object Source -eq tenant</code>
    /// <para>Lists the tenant's own agents.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleRunnableAgent")]
    [OutputType(typeof(RunnableAgent))]
    public sealed class GetLoomcycleRunnableAgentCommand : LoomcycleCmdlet
    {
        /// <summary>Only agents whose name matches this wildcard pattern.</summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        public string? Name { get; set; }

        protected override void EndProcessing() =>
            TryRun("/v1/_runnable-agents", () =>
            {
                WildcardPattern? pattern = Name is null ? null : WildcardPattern.Get(Name, WildcardOptions.IgnoreCase);
                foreach (RunnableAgent agent in InvokeEngine((connection, token) => connection.ListRunnableAgentsAsync(token)))
                {
                    if (pattern is null || pattern.IsMatch(agent.Name))
                    {
                        WriteObject(agent);
                    }
                }
            });
    }
}
