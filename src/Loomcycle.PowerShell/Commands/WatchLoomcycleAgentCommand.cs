using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Writes a user's run-state changes as they happen.</summary>
    /// <remarks>
    /// Opens GET /v1/users/{id}/agents/stream and writes a Loomcycle.RunState object each time one of the user's
    /// runs starts, completes, fails or is cancelled (for cancelled runs the reason is in StopReason). The server ends
    /// this stream every 30 minutes and silently drops events for a slow reader, and it has no resume cursor, so the
    /// cmdlet reconnects by itself (at once after a normal end, with back-off after a failure) and lists the user's
    /// runs (GET /v1/users/{id}/agents) on every connect: a change that happened while it was not listening is written
    /// then (Source = listing). Every change is written once: a run that reached completed, failed or cancelled is
    /// never written again. Runs until Ctrl+C, -TimeoutSec, or a downstream Select-Object -First.
    /// </remarks>
    /// <example>
    /// <code>Watch-LoomcycleAgent -UserId u1</code>
    /// <para>Shows u1's runs changing, live, until Ctrl+C.</para>
    /// </example>
    /// <example>
    /// <code>Watch-LoomcycleAgent -UserId u1 -Status failed | ForEach-Object { Send-MailMessage -Subject "run $($_.AgentId) failed: $($_.Error)" @mail }</code>
    /// <para>Reacts to every failed run of u1, without polling.</para>
    /// </example>
    /// <example>
    /// <code>Watch-LoomcycleAgent -UserId u1 -Agent nightly -Status completed | Select-Object -First 1</code>
    /// <para>Waits for the next completed run of the nightly agent, then stops watching.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Watch, "LoomcycleAgent")]
    [OutputType(typeof(RunState))]
    public sealed class WatchLoomcycleAgentCommand : LoomcycleCmdlet
    {
        /// <summary>The user whose runs are watched.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string UserId { get; set; } = string.Empty;

        /// <summary>Only these statuses.</summary>
        [Parameter]
        [ValidateSet("running", "completed", "failed", "cancelled")]
        [LowerCase]
        public string[]? Status { get; set; }

        /// <summary>Only runs of this agent definition (exact name).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Agent { get; set; }

        /// <summary>The tenant to focus on (honoured for admin tokens only).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Tenant { get; set; }

        /// <summary>Also writes the current state of the user's recent runs first (otherwise only changes are written).</summary>
        [Parameter]
        public SwitchParameter IncludeExisting { get; set; }

        /// <summary>Stops watching after this many seconds (quietly: no error).</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? TimeoutSec { get; set; }

        protected override void ProcessRecord()
        {
            var options = new RunStateWatchOptions { UserId = UserId, Statuses = Status, Agent = Agent, Tenant = Tenant, IncludeExisting = IncludeExisting };
            try
            {
                Stream((connection, token) => LiveStreams.Until(t => connection.WatchRunStatesAsync(options, t), TimeoutSec, token), state => WriteObject(state));
            }
            catch (LoomcycleException ex)
            {
                WriteError(LoomcycleErrors.From(ex, UserId));
            }
        }
    }
}
