using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets the kinds of memory scope the server has (agent, user, tenant).</summary>
    /// <remarks>Calls GET /v1/_memory/scopes. Each scope pipes into Get-LoomcycleMemoryScopeId.</remarks>
    /// <example>
    /// <code>Get-LoomcycleMemoryScope | Get-LoomcycleMemoryScopeId</code>
    /// <para>Lists every scope id that holds memory, in every scope.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleMemoryScope")]
    [OutputType(typeof(MemoryScope))]
    public sealed class GetLoomcycleMemoryScopeCommand : LoomcycleCmdlet
    {
        protected override void EndProcessing() =>
            TryRun(null, () =>
            {
                foreach (MemoryScope scope in InvokeEngine((connection, token) => connection.ListMemoryScopesAsync(token)))
                {
                    WriteObject(scope);
                }
            });
    }
}
