using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Resumes a paused schedule.</summary>
    /// <remarks>
    /// Calls POST /v1/_schedules/{def_id}/resume, which clears the schedule's pause; resuming a running schedule is not an error. The def id must be a schedule's active, unretired
    /// version, otherwise the server answers 404 (NotFound). Binds DefId from Get-LoomcycleSchedule and
    /// Get-LoomcycleDefinition -Kind Schedule output. Writes nothing unless -PassThru is given.
    /// </remarks>
    /// <example>
    /// <code>Resume-LoomcycleSchedule -DefId def_3f9a1c0d2b4e5f60</code>
    /// <para>Resumes the schedule.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleSchedule | Where-Object Name -like 'nightly-*' | Resume-LoomcycleSchedule -PassThru</code>
    /// <para>Resumes every nightly schedule and shows the server's answers.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Resume, "LoomcycleSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ScheduleControlResult))]
    public sealed class ResumeLoomcycleScheduleCommand : ScheduleControlCommandBase
    {
        private protected override string Action => "Resume schedule";

        private protected override ScheduleControlResult Control(string defId) => InvokeEngine((c, t) => c.ResumeScheduleAsync(defId, t));
    }
}
