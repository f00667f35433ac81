using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Pauses a schedule until it is resumed.</summary>
    /// <remarks>
    /// Calls POST /v1/_schedules/{def_id}/pause, which pauses the schedule (the server sets paused_until 100 years ahead); pausing a paused schedule is not an error. The def id must be a schedule's active, unretired
    /// version, otherwise the server answers 404 (NotFound). Binds DefId from Get-LoomcycleSchedule and
    /// Get-LoomcycleDefinition -Kind Schedule output. Writes nothing unless -PassThru is given.
    /// </remarks>
    /// <example>
    /// <code>Suspend-LoomcycleSchedule -DefId def_3f9a1c0d2b4e5f60</code>
    /// <para>Pauses the schedule.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleSchedule | Where-Object Name -like 'nightly-*' | Suspend-LoomcycleSchedule -PassThru</code>
    /// <para>Pauses every nightly schedule and shows the server's answers.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Suspend, "LoomcycleSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ScheduleControlResult))]
    public sealed class SuspendLoomcycleScheduleCommand : ScheduleControlCommandBase
    {
        private protected override string Action => "Pause schedule";

        private protected override ScheduleControlResult Control(string defId) => InvokeEngine((c, t) => c.SuspendScheduleAsync(defId, t));
    }
}
