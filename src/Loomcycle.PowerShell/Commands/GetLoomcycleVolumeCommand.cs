using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Lists volumes: static, dynamic, or the ephemeral volumes of running runs.</summary>
    /// <remarks>
    /// Calls GET /v1/_volumes (static and dynamic volumes; Path is empty unless the caller is an admin), or with -Ephemeral
    /// GET /v1/_volumes/ephemeral. -Name filters by name (wildcards). Dynamic volumes are created and deleted with
    /// New-LoomcycleDefinition -Kind Volume and Remove-LoomcycleDefinition -Kind Volume -Delete.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleVolume | Where-Object Source -eq dynamic</code>
    /// <para>Lists the dynamic volumes.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleVolume")]
    [OutputType(typeof(Volume))]
    public sealed class GetLoomcycleVolumeCommand : LoomcycleCmdlet
    {
        /// <summary>Lists only volumes whose name matches (wildcards allowed).</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string? Name { get; set; }

        /// <summary>Lists the run-scoped ephemeral volumes instead.</summary>
        [Parameter]
        public SwitchParameter Ephemeral { get; set; }

        protected override void ProcessRecord()
        {
            WildcardPattern? filter = Name is null ? null : new WildcardPattern(Name, WildcardOptions.IgnoreCase);
            bool ephemeral = Ephemeral;
            TryRun(Name, () =>
            {
                foreach (Volume volume in InvokeEngine((c, t) => c.GetVolumesAsync(ephemeral, t)))
                {
                    if (filter is null || filter.IsMatch(volume.Name))
                    {
                        WriteObject(volume);
                    }
                }
            });
        }
    }
}
