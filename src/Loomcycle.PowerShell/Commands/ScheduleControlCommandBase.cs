using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>
    /// What Start-, Suspend- and Resume-LoomcycleSchedule share: -DefId (from the pipeline), -PassThru, one
    /// ShouldProcess and one engine call per def id.
    /// </summary>
    public abstract class ScheduleControlCommandBase : LoomcycleCmdlet
    {
        /// <summary>The schedule's active version id (def_…).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] DefId { get; set; } = System.Array.Empty<string>();

        /// <summary>Writes the server's answer.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>The ShouldProcess action, e.g. "Pause schedule".</summary>
        private protected abstract string Action { get; }

        /// <summary>The engine call for one def id.</summary>
        private protected abstract ScheduleControlResult Control(string defId);

        protected override void ProcessRecord()
        {
            foreach (string defId in DefId)
            {
                if (!ShouldProcess(defId, Action))
                {
                    continue;
                }

                TryRun(defId, () =>
                {
                    ScheduleControlResult result = Control(defId);
                    if (PassThru)
                    {
                        WriteObject(result);
                    }
                });
            }
        }
    }
}
