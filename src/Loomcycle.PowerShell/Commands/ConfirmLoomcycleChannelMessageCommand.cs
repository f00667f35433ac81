using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Commits a channel cursor: the messages up to it are done.</summary>
    /// <remarks>
    /// Calls POST /v1/_channels/{name}/ack (or the per-user route with -UserId). Pipe the last message of a processed
    /// batch (from Receive-LoomcycleChannelMessage -Peek): Channel, Cursor and UserId bind by property name. Cursors
    /// only move forward; a cursor behind the committed one fails with ChannelCursorRegression (a consumer that
    /// restarts and confirms an older batch again can ignore it). Writes nothing. Only the batch's last message carries
    /// the server's own cursor; an earlier message's is built from its publish time, which is its place in the channel
    /// unless it was published with a delivery time (the server does not return that): after delayed messages, confirm by
    /// the batch's last message.
    /// </remarks>
    /// <example>
    /// <code>$batch | Select-Object -Last 1 | Confirm-LoomcycleChannelMessage</code>
    /// <para>Confirms a processed batch.</para>
    /// </example>
    /// <example>
    /// <code>Confirm-LoomcycleChannelMessage -Channel work-items -Cursor $cursor</code>
    /// <para>Commits a saved cursor.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Confirm, "LoomcycleChannelMessage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(void))]
    public sealed class ConfirmLoomcycleChannelMessageCommand : LoomcycleCmdlet
    {
        /// <summary>The channel.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ChannelNameCompleter))]
        public string Channel { get; set; } = string.Empty;

        /// <summary>The cursor to commit: a message's Cursor.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Cursor { get; set; } = string.Empty;

        /// <summary>Confirms on this user's channel instead of the global one.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? UserId { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Channel, $"Commit cursor {Cursor}"))
            {
                return;
            }

            TryRun(Channel, () => InvokeEngine((connection, token) => connection.AckChannelAsync(Channel, Cursor, UserId, token)));
        }
    }
}
