using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets the scope ids that hold memory in a scope.</summary>
    /// <remarks>
    /// Calls GET /v1/_memory/scopes/{scope}: at most 200 ids, most recently updated first, each with its
    /// key count and size. Each result pipes into Get-LoomcycleMemory.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleMemoryScopeId -Scope agent | Get-LoomcycleMemory</code>
    /// <para>Lists the memory of every agent that has any.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleMemoryScopeId")]
    [OutputType(typeof(MemoryScopeId))]
    public sealed class GetLoomcycleMemoryScopeIdCommand : LoomcycleCmdlet
    {
        /// <summary>The scope: agent, user or tenant.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateSet("agent", "user", "tenant")]
        [LowerCase]
        public string Scope { get; set; } = string.Empty;

        protected override void ProcessRecord() =>
            TryRun(Scope, () =>
            {
                foreach (MemoryScopeId id in InvokeEngine((connection, token) => connection.ListMemoryScopeIdsAsync(Scope, token)))
                {
                    WriteObject(id);
                }
            });
    }
}
