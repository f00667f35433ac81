using System;
using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Waits until messages are there on any, all, or enough of several channels.</summary>
    /// <remarks>
    /// Calls POST /v1/_channels/_await over up to 32 channels and writes one ChannelWaitResult: Satisfied, TimedOut,
    /// Fired (the channels that have messages), TotalMessages and Messages (read without committing, each with its
    /// Cursor). -Mode Any (the default) is met by one message anywhere, All by a message on every channel, AtLeast by
    /// -Count messages in total. A timeout is a result (TimedOut is $true), not an error. The server caps one wait
    /// (30 s by default); longer -TimeoutSec values wait again. Ctrl+C ends the wait at once.
    /// </remarks>
    /// <example>
    /// <code>$r = Wait-LoomcycleChannel -Channel collector-a, collector-b, collector-c -Mode All -TimeoutSec 600</code>
    /// <para>Waits up to ten minutes until every collector has reported.</para>
    /// </example>
    /// <example>
    /// <code>if ((Wait-LoomcycleChannel results -Mode AtLeast -Count 10 -TimeoutSec 60).TimedOut) { 'not yet' }</code>
    /// <para>Checks whether ten results arrived within a minute.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Wait, "LoomcycleChannel")]
    [OutputType(typeof(ChannelWaitResult))]
    public sealed class WaitLoomcycleChannelCommand : LoomcycleCmdlet
    {
        /// <summary>The channels to watch (1 to 32).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        [ValidateCount(1, LoomcycleConnection.MaxChannelsPerCall)]
        [ArgumentCompleter(typeof(ChannelNameCompleter))]
        public string[] Channel { get; set; } = Array.Empty<string>();

        /// <summary>Any (one message anywhere), All (a message on every channel) or AtLeast (-Count messages in total).</summary>
        [Parameter]
        [ValidateSet("Any", "All", "AtLeast")]
        public string Mode { get; set; } = "Any";

        /// <summary>With -Mode AtLeast: how many messages in total.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? Count { get; set; }

        /// <summary>Gives up after this many seconds (a result with TimedOut, not an error). 0 checks once without waiting.</summary>
        [Parameter]
        [Alias("WaitSec")]
        [ValidateRange(0, 86400)]
        public int TimeoutSec { get; set; } = 30;

        /// <summary>Reads after this cursor on every channel instead of each one's committed cursor.</summary>
        [Parameter]
        public string? FromCursor { get; set; }

        /// <summary>At most this many messages per channel (1 to 100; the server's default is 10).</summary>
        [Parameter]
        [ValidateRange(1, 100)]
        public int? Max { get; set; }

        /// <summary>Watches this user's channels instead of the global ones.</summary>
        [Parameter]
        public string? UserId { get; set; }

        protected override void ProcessRecord()
        {
            string mode = Mode.ToLowerInvariant() switch
            {
                "atleast" => "at_least",
                string m => m,
            };
            if (mode == "at_least" && Count is null)
            {
                WriteError(LoomcycleErrors.From(new InvalidArgumentException("-Mode AtLeast needs -Count."), Channel[0]));
                return;
            }

            if (mode != "at_least" && Count is not null)
            {
                WriteError(LoomcycleErrors.From(new InvalidArgumentException("-Count applies to -Mode AtLeast only."), Channel[0]));
                return;
            }

            TryRun(Channel[0], () => WriteObject(InvokeEngine((connection, token) =>
                connection.WaitChannelsAsync(Channel, mode, Count, FromCursor, Max, TimeSpan.FromSeconds(TimeoutSec), UserId, token))));
        }
    }
}
