using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Summarises a run's history to free context.</summary>
    /// <remarks>
    /// Calls POST /v1/runs/{run_id}/compact (one model call). Applied says what happened: live (a parked interactive
    /// run now works from the summary), marker (a finished run got a summary marker) or noop (fewer than four
    /// messages: nothing to do). Errors: the run is mid-turn (RunBusy, 409: try again once it is parked), its agent
    /// no longer exists (AgentGone, 409), no such run (404), the summary call failed (502), the queue is full (429).
    /// </remarks>
    /// <example>
    /// <code>Compress-LoomcycleRun -RunId r_01HZX3</code>
    /// <para>Compacts a parked interactive run and shows the token counts before and after.</para>
    /// </example>
    [Cmdlet(VerbsData.Compress, "LoomcycleRun", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(CompactResult))]
    public sealed class CompressLoomcycleRunCommand : LoomcycleCmdlet
    {
        /// <summary>The run (r_…).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RunIdCompleter))]
        public string RunId { get; set; } = string.Empty;

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(RunId, "Compact the run's history (one model call)"))
            {
                return;
            }

            TryRun(RunId, () => WriteObject(InvokeEngine((connection, token) => connection.CompactRunAsync(RunId, token))));
        }
    }
}
