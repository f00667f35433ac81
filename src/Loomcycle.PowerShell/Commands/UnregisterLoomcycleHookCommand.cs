using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Removes registered tool hooks.</summary>
    /// <remarks>
    /// Calls DELETE /v1/hooks/{id} for each id. An unknown id gives a HookNotFound error and the pipeline goes
    /// on with the next. A hook answered by a script block in this session also leaves its hook listener.
    /// Supports -WhatIf and -Confirm.
    /// </remarks>
    /// <example>
    /// <code>Unregister-LoomcycleHook hk_01HZX3</code>
    /// <para>Removes one hook.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleHook | Where-Object Owner -eq 'app' | Unregister-LoomcycleHook</code>
    /// <para>Removes every hook owned by app.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Unregister, "LoomcycleHook", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class UnregisterLoomcycleHookCommand : LoomcycleCmdlet
    {
        /// <summary>The ids of the hooks to remove.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(HookIdCompleter))]
        public string[] Id { get; set; } = System.Array.Empty<string>();

        protected override void ProcessRecord()
        {
            foreach (string id in Id)
            {
                if (ShouldProcess(id, "Unregister hook"))
                {
                    if (TryRun(id, () => InvokeEngine((connection, token) => connection.DeleteHookAsync(id, token))))
                    {
                        // A script-block hook: its listener stops answering on the path.
                        HookListenerSessions.ForgetHook(System.Management.Automation.Runspaces.Runspace.DefaultRunspace, id);
                    }
                }
            }
        }
    }
}
