using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Retires a definition version, or deletes a team, volume or credential by name.</summary>
    /// <remarks>
    /// With -DefId, sends op retire (retired: true) to POST /v1/_&lt;kind&gt;def: the version stays in the lineage but is no longer
    /// resolved; -Restore sends retired: false instead. With -Name -Delete, sends op delete (Team, Volume, Credential;
    /// -Purge on a volume also deletes its files). Other kinds have no delete and fail before anything is sent. Asks for
    /// confirmation unless -Force or -Confirm:$false is given. Writes nothing unless -PassThru is given.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleDefinition -Kind Webhook -Name old-hook | Remove-LoomcycleDefinition -Force</code>
    /// <para>Retires the active version of webhook "old-hook".</para>
    /// </example>
    /// <example>
    /// <code>Remove-LoomcycleDefinition -Kind Volume -Name scratch -Delete -Purge -Force</code>
    /// <para>Deletes the dynamic volume "scratch" and its files.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Remove, "LoomcycleDefinition", DefaultParameterSetName = RetireSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(DefinitionChange))]
    public sealed class RemoveLoomcycleDefinitionCommand : LoomcycleCmdlet
    {
        private const string RetireSet = "Retire";
        private const string DeleteSet = "Delete";

        /// <summary>The kind of definition.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public DefinitionKind Kind { get; set; }

        /// <summary>The version (def_…) to retire.</summary>
        [Parameter(ParameterSetName = RetireSet, Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string DefId { get; set; } = string.Empty;

        /// <summary>Un-retires the version instead (retired: false).</summary>
        [Parameter(ParameterSetName = RetireSet)]
        public SwitchParameter Restore { get; set; }

        /// <summary>The name of the team, volume or credential to delete.</summary>
        [Parameter(ParameterSetName = DeleteSet, Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        /// <summary>Deletes by name (op delete) instead of retiring a version.</summary>
        [Parameter(ParameterSetName = DeleteSet, Mandatory = true)]
        public SwitchParameter Delete { get; set; }

        /// <summary>Volumes only: also deletes the volume's files (op purge).</summary>
        [Parameter(ParameterSetName = DeleteSet)]
        public SwitchParameter Purge { get; set; }

        /// <summary>Removes without asking for confirmation (-WhatIf still only shows what would happen).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Writes what the server did.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            DefinitionKind kind = Kind;
            if (ParameterSetName == DeleteSet)
            {
                string name = Name;
                bool purge = Purge;
                TryRun(name, () =>
                {
                    DefinitionKinds.RequireDelete(kind, purge); // before asking: no prompt for what cannot happen
                    if (Confirmation.ShouldProcess(this, Force, $"{kind} '{name}'", purge ? "Delete definition and purge its files" : "Delete definition"))
                    {
                        Write(InvokeEngine((c, t) => c.DeleteDefinitionAsync(kind, name, purge, t)));
                    }
                },
                ex => ex is not InvalidArgumentException { StatusCode: 0 } ? null
                    : !DefinitionKinds.CanDelete(kind) ? $"Retire its versions instead: Remove-LoomcycleDefinition -Kind {kind} -DefId <def_…>."
                    : purge && kind != DefinitionKind.Volume ? "Leave out -Purge: only volumes are purged."
                    : null);
                return;
            }

            string defId = DefId;
            bool retired = !Restore;
            TryRun(defId, () =>
            {
                DefinitionKinds.RequireRetire(kind); // before asking: no prompt for what cannot happen
                if (Confirmation.ShouldProcess(this, Force, $"{kind} {defId}", retired ? "Retire definition version" : "Restore retired definition version"))
                {
                    Write(InvokeEngine((c, t) => c.RetireDefinitionAsync(kind, defId, retired, t)));
                }
            },
            ex => ex is InvalidArgumentException { StatusCode: 0 } && !DefinitionKinds.IsVersioned(kind)
                ? $"Delete it by name instead: Remove-LoomcycleDefinition -Kind {kind} -Name <name> -Delete."
                : null);
        }

        private void Write(DefinitionChange change)
        {
            if (PassThru)
            {
                WriteObject(change);
            }
        }
    }
}
