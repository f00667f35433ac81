using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Promotes a definition version: makes it the active version of its name.</summary>
    /// <remarks>
    /// Sends op promote to POST /v1/_&lt;kind&gt;def. Only agents, skills, teams and MCP servers have a promote op; the other kinds
    /// promote on create and fork (Copy-LoomcycleDefinition -Promote), and asking for them fails before anything is sent.
    /// Binds Kind and DefId from Get-LoomcycleDefinition output, so rolling back is one pipeline.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleDefinition -Kind Agent -Name triage -AllVersions | Where-Object Version -eq 3 | Publish-LoomcycleDefinition</code>
    /// <para>Rolls agent "triage" back to version 3.</para>
    /// </example>
    [Cmdlet(VerbsData.Publish, "LoomcycleDefinition", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(DefinitionChange))]
    public sealed class PublishLoomcycleDefinitionCommand : LoomcycleCmdlet
    {
        /// <summary>The kind of definition (Agent, Skill, Team or McpServer).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public DefinitionKind Kind { get; set; }

        /// <summary>The version (def_…) to make active.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string DefId { get; set; } = string.Empty;

        protected override void ProcessRecord()
        {
            DefinitionKind kind = Kind;
            string defId = DefId;
            TryRun(defId, () =>
            {
                DefinitionKinds.RequirePromote(kind); // before asking: no prompt for what cannot happen
                if (ShouldProcess($"{kind} {defId}", "Promote definition version"))
                {
                    WriteObject(InvokeEngine((c, t) => c.PublishDefinitionAsync(kind, defId, t)));
                }
            },
            ex => ex is InvalidArgumentException { StatusCode: 0 } && !DefinitionKinds.CanPromote(kind)
                ? $"A {kind} version becomes active when it is created or forked: use New-LoomcycleDefinition, or Copy-LoomcycleDefinition -Promote."
                : null);
        }
    }
}
