using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Lists the server's preset units, or gets one with its YAML.</summary>
    /// <remarks>
    /// Without -Name, calls GET /v1/_presets (name, kind, description). With -Name, calls GET /v1/_presets/{name}, whose
    /// Yaml property holds the preset's YAML; an unknown name is a NotFound error. Both are admin routes.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcyclePreset</code>
    /// <para>Lists the presets.</para>
    /// </example>
    /// <example>
    /// <code>(Get-LoomcyclePreset -Name coding-agent).Yaml | Set-Content coding-agent.yaml</code>
    /// <para>Saves a preset's YAML.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcyclePreset")]
    [OutputType(typeof(Preset))]
    public sealed class GetLoomcyclePresetCommand : LoomcycleCmdlet
    {
        /// <summary>The presets to get with their YAML.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        protected override void ProcessRecord()
        {
            if (Name is null)
            {
                TryRun(null, () => WriteObject(InvokeEngine((c, t) => c.GetPresetsAsync(null, t)), enumerateCollection: true));
                return;
            }

            foreach (string name in Name)
            {
                TryRun(name, () => WriteObject(InvokeEngine((c, t) => c.GetPresetsAsync(name, t)), enumerateCollection: true));
            }
        }
    }
}
