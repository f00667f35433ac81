using System;
using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Lists schedules, or gets a schedule's run state.</summary>
    /// <remarks>
    /// Without -DefId, calls GET /v1/_schedules/list-all: static and dynamic schedules with their active version (DefId);
    /// -Name filters by name (wildcards). With -DefId, calls GET /v1/_schedules/{def_id}/state: the last run, the next run
    /// and the pause (IsPaused). Listed schedules pipe into Start-, Suspend- and Resume-LoomcycleSchedule and into
    /// Get-LoomcycleSchedule -DefId.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleSchedule</code>
    /// <para>Lists every schedule.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleSchedule -Name nightly | Get-LoomcycleSchedule | Select-Object LastRunAt, LastStatus, NextRunAt, IsPaused</code>
    /// <para>Shows when schedule "nightly" last ran and when it runs next.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleSchedule", DefaultParameterSetName = ListSet)]
    [OutputType(typeof(ScheduleEntry), typeof(ScheduleState))]
    public sealed class GetLoomcycleScheduleCommand : LoomcycleCmdlet
    {
        private const string ListSet = "List";
        private const string StateSet = "State";

        /// <summary>Lists only schedules whose name matches (wildcards allowed).</summary>
        [Parameter(ParameterSetName = ListSet, Position = 0)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string? Name { get; set; }

        /// <summary>An admin's focus on one tenant's schedules.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateNotNullOrEmpty]
        public string? Tenant { get; set; }

        /// <summary>The schedule version (def_…) whose run state to get.</summary>
        [Parameter(ParameterSetName = StateSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] DefId { get; set; } = Array.Empty<string>();

        protected override void ProcessRecord()
        {
            if (ParameterSetName == StateSet)
            {
                foreach (string defId in DefId)
                {
                    TryRun(defId, () => WriteObject(InvokeEngine((c, t) => c.GetScheduleStateAsync(defId, t))));
                }

                return;
            }

            WildcardPattern? filter = Name is null ? null : new WildcardPattern(Name, WildcardOptions.IgnoreCase);
            TryRun(Name, () =>
            {
                foreach (ScheduleEntry entry in InvokeEngine((c, t) => c.GetSchedulesAsync(Tenant, t)))
                {
                    if (filter is null || filter.IsMatch(entry.Name))
                    {
                        WriteObject(entry);
                    }
                }
            });
        }
    }
}
