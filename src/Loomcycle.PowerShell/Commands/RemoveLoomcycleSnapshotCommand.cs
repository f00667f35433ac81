using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Deletes snapshots from the server.</summary>
    /// <remarks>
    /// Calls DELETE /v1/_snapshots/{id} for each id. The server answers the same whether or not the
    /// snapshot existed, so deleting a missing snapshot is not an error. Asks for confirmation per
    /// snapshot unless -Force or -Confirm:$false is given.
    /// </remarks>
    /// <example>
    /// <code>Remove-LoomcycleSnapshot snap_01HZX3 -Force</code>
    /// <para>Deletes one snapshot without asking.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleSnapshot -Label nightly | Where-Object CreatedAt -lt (Get-Date).AddDays(-14) | Remove-LoomcycleSnapshot -Force</code>
    /// <para>Deletes nightly snapshots older than two weeks.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Remove, "LoomcycleSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class RemoveLoomcycleSnapshotCommand : LoomcycleCmdlet
    {
        /// <summary>The ids of the snapshots to delete.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SnapshotIdCompleter))]
        public string[] Id { get; set; } = System.Array.Empty<string>();

        /// <summary>Deletes without asking for confirmation (-WhatIf still only shows what would happen).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string id in Id)
            {
                if (Confirmation.ShouldProcess(this, Force, id, "Delete snapshot"))
                {
                    StartEngineCall(id, (connection, token) => connection.DeleteSnapshotAsync(id, token));
                }
            }
        }
    }
}
