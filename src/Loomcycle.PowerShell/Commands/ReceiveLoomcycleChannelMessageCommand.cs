using System;
using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Reads the next messages of a channel, waiting for them if asked.</summary>
    /// <remarks>
    /// Without -Peek, calls POST /v1/_channels/{name}/subscribe: the server hands out the messages after the
    /// channel's committed cursor and commits past them at once (at most once: a consumer that dies now loses them).
    /// With -Peek nothing is committed (POST /v1/_channels/_await over this one channel): process the messages, then
    /// Confirm-LoomcycleChannelMessage the last one (at least once: a consumer that dies before confirming gets them
    /// again). Each ChannelMessage has Payload (objects), PayloadJson (exact text), Id, Channel, PublishedAt and the
    /// Cursor to confirm. -WaitSec long-polls: the call returns as soon as a message arrives, or with nothing when the
    /// time is up; Ctrl+C ends the wait at once. -FromCursor starts elsewhere ('cur_0' = the oldest message). -UserId
    /// reads a user's channel.
    /// </remarks>
    /// <example>
    /// <code>Receive-LoomcycleChannelMessage work-items -Max 50 -WaitSec 20</code>
    /// <para>Takes up to 50 messages, waiting up to 20 seconds for the first; they are committed.</para>
    /// </example>
    /// <example>
    /// <code>$batch = Receive-LoomcycleChannelMessage work-items -Peek -Max 50 -WaitSec 20; $batch | ForEach-Object { Invoke-Work $_.Payload }; $batch | Select-Object -Last 1 | Confirm-LoomcycleChannelMessage</code>
    /// <para>At-least-once: process a batch, then confirm it.</para>
    /// </example>
    [Cmdlet(VerbsCommunications.Receive, "LoomcycleChannelMessage")]
    [OutputType(typeof(ChannelMessage))]
    public sealed class ReceiveLoomcycleChannelMessageCommand : LoomcycleCmdlet
    {
        /// <summary>The channel to read.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Name")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ChannelNameCompleter))]
        public string Channel { get; set; } = string.Empty;

        /// <summary>Reads without committing: confirm with Confirm-LoomcycleChannelMessage once the messages are processed.</summary>
        [Parameter]
        public SwitchParameter Peek { get; set; }

        /// <summary>Reads after this cursor instead of the committed one ('cur_0' = from the oldest message).</summary>
        [Parameter]
        public string? FromCursor { get; set; }

        /// <summary>At most this many messages (1 to 100; the server's default is 10).</summary>
        [Parameter]
        [ValidateRange(1, 100)]
        public int? Max { get; set; }

        /// <summary>Waits up to this many seconds for a message when there is none (0, the default, does not wait).</summary>
        [Parameter]
        [ValidateRange(0, 86400)]
        public int WaitSec { get; set; }

        /// <summary>Reads this user's channel instead of the global one.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? UserId { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(Channel, () =>
            {
                ChannelMessage[] messages = InvokeEngine((connection, token) =>
                    connection.ReceiveChannelMessagesAsync(Channel, Peek, FromCursor, Max, TimeSpan.FromSeconds(WaitSec), UserId, token));
                foreach (ChannelMessage message in messages)
                {
                    WriteObject(message);
                }
            });
        }
    }
}
