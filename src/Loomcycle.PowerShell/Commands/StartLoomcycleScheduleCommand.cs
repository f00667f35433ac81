using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Runs a schedule now: the next scheduler tick fires it.</summary>
    /// <remarks>
    /// Calls POST /v1/_schedules/{def_id}/run-now, which sets the schedule's next run to now, so the scheduler's next tick runs it, and answers {def_id, scheduled: next-tick}. The def id must be a schedule's active, unretired
    /// version, otherwise the server answers 404 (NotFound). Binds DefId from Get-LoomcycleSchedule and
    /// Get-LoomcycleDefinition -Kind Schedule output. Writes nothing unless -PassThru is given.
    /// </remarks>
    /// <example>
    /// <code>Start-LoomcycleSchedule -DefId def_3f9a1c0d2b4e5f60</code>
    /// <para>Runs the schedule at the next tick.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleSchedule | Where-Object Name -like 'nightly-*' | Start-LoomcycleSchedule -PassThru</code>
    /// <para>Runs every nightly schedule now and shows the server's answers.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Start, "LoomcycleSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ScheduleControlResult))]
    public sealed class StartLoomcycleScheduleCommand : ScheduleControlCommandBase
    {
        private protected override string Action => "Run schedule now";

        private protected override ScheduleControlResult Control(string defId) => InvokeEngine((c, t) => c.StartScheduleAsync(defId, t));
    }
}
