using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Drops every message buffered in channels.</summary>
    /// <remarks>
    /// Calls POST /v1/_channels/{name}/purge for each name (yaml-declared channels too). The channel itself stays.
    /// Asks for confirmation per channel unless -Force. -PassThru writes the channel as it is afterwards; the number
    /// of messages dropped is a verbose line.
    /// </remarks>
    /// <example>
    /// <code>Clear-LoomcycleChannel work-items -Force -Verbose</code>
    /// <para>Empties the channel and says how many messages were dropped.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleChannel | Where-Object MessageCount -gt 10000 | Clear-LoomcycleChannel -Force</code>
    /// <para>Empties every channel that has piled up.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Clear, "LoomcycleChannel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(Channel))]
    public sealed class ClearLoomcycleChannelCommand : LoomcycleCmdlet
    {
        /// <summary>The channels to empty.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ChannelNameCompleter))]
        public string[] Name { get; set; } = System.Array.Empty<string>();

        /// <summary>Empties without asking for confirmation (-WhatIf still only shows what would happen).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Writes each channel after emptying it.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string name in Name)
            {
                if (!Confirmation.ShouldProcess(this, Force, name, "Drop every message of channel"))
                {
                    continue;
                }

                TryRun(name, () =>
                {
                    int purged = InvokeEngine((connection, token) => connection.PurgeChannelAsync(name, token));
                    WriteVerbose($"Dropped {purged} message{(purged == 1 ? string.Empty : "s")} from '{name}'.");
                    if (PassThru)
                    {
                        foreach (Channel channel in InvokeEngine((connection, token) => connection.ListChannelsAsync(token)))
                        {
                            if (channel.Name == name)
                            {
                                WriteObject(channel);
                            }
                        }
                    }
                });
            }
        }
    }
}
