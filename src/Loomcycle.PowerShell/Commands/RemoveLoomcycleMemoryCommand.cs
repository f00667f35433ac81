using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Deletes memory entries.</summary>
    /// <remarks>
    /// Calls DELETE /v1/_memory/scopes/{scope}/{scope_id}/keys/{key} for each key. The server answers the same
    /// whether or not the key existed, so deleting a missing key is not an error. Asks for confirmation per key
    /// unless -Force or -Confirm:$false is given. Entries from Get-LoomcycleMemory pipe in by property name.
    /// </remarks>
    /// <example>
    /// <code>Remove-LoomcycleMemory -Scope user -ScopeId u1 -Key prefs/theme -Force</code>
    /// <para>Deletes one key without asking.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleMemory agent planner -Prefix scratch/ | Remove-LoomcycleMemory -Force</code>
    /// <para>Deletes every key of the planner agent under scratch/.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Remove, "LoomcycleMemory", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class RemoveLoomcycleMemoryCommand : LoomcycleCmdlet
    {
        /// <summary>The scope: agent, user or tenant.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateSet("agent", "user", "tenant")]
        [LowerCase]
        public string Scope { get; set; } = string.Empty;

        /// <summary>The id within the scope.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(MemoryScopeIdCompleter))]
        public string ScopeId { get; set; } = string.Empty;

        /// <summary>The keys to delete (keys may contain '/').</summary>
        [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] Key { get; set; } = System.Array.Empty<string>();

        /// <summary>Deletes without asking for confirmation (-WhatIf still only shows what would happen).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            // A tenant entry read back has an empty scope id; the route still needs a segment (the server ignores it).
            // Queued deletes run after PowerShell has bound the next item: they take this item's values, not the parameters.
            string scope = Scope;
            string scopeId = ScopeId.Length == 0 && scope == "tenant" ? "_" : ScopeId;
            foreach (string key in Key)
            {
                if (Confirmation.ShouldProcess(this, Force, $"{scope}/{scopeId}/{key}", "Delete memory entry"))
                {
                    StartEngineCall(key, (connection, token) => connection.DeleteMemoryEntryAsync(scope, scopeId, key, token));
                }
            }
        }
    }
}
