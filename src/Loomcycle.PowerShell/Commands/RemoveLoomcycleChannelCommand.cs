using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Deletes channels created over the API.</summary>
    /// <remarks>
    /// Calls DELETE /v1/_channels/{name} for each name. Channels declared in the server's yaml cannot be deleted
    /// (409); an unknown name is ChannelNotFound-style NotFound. Asks for confirmation per channel unless -Force.
    /// </remarks>
    /// <example>
    /// <code>Remove-LoomcycleChannel scratch -Force</code>
    /// <para>Deletes one channel without asking.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleChannel 'tmp-*' | Where-Object Source -eq runtime | Remove-LoomcycleChannel -Force</code>
    /// <para>Deletes every temporary runtime channel.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Remove, "LoomcycleChannel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class RemoveLoomcycleChannelCommand : LoomcycleCmdlet
    {
        /// <summary>The channels to delete.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ChannelNameCompleter))]
        public string[] Name { get; set; } = System.Array.Empty<string>();

        /// <summary>Deletes without asking for confirmation (-WhatIf still only shows what would happen).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string name in Name)
            {
                if (Confirmation.ShouldProcess(this, Force, name, "Delete channel"))
                {
                    StartEngineCall(name, (connection, token) => connection.DeleteChannelAsync(name, token));
                }
            }
        }
    }
}
