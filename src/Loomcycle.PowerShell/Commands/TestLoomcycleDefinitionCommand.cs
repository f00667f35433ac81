using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Checks whether a content hash is the active version of a definition (op verify).</summary>
    /// <remarks>
    /// Sends op verify to POST /v1/_&lt;kind&gt;def (Agent, Skill, Team, McpServer): Matches says whether -ContentSha256 is the
    /// hash of the name's active version; Deployed says whether the name has an active version at all. Piping a version
    /// from Get-LoomcycleDefinition asks "is this version the deployed one?". When only -DefId is given, that version is
    /// read first (op get) for its name and hash. -Quiet writes only $true or $false.
    /// </remarks>
    /// <example>
    /// <code>Test-LoomcycleDefinition -Kind Agent -Name triage -ContentSha256 $localHash -Quiet</code>
    /// <para>Returns $true when the deployed agent "triage" has the locally computed hash.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleDefinition -Kind Skill -Name summarise -AllVersions | Test-LoomcycleDefinition</code>
    /// <para>Shows which version of skill "summarise" is the deployed one.</para>
    /// </example>
    [Cmdlet(VerbsDiagnostic.Test, "LoomcycleDefinition", DefaultParameterSetName = ByNameSet)]
    [OutputType(typeof(DefinitionVerification), typeof(bool))]
    public sealed class TestLoomcycleDefinitionCommand : LoomcycleCmdlet
    {
        private const string ByNameSet = "ByName";
        private const string ByIdSet = "ById";

        /// <summary>The kind of definition (Agent, Skill, Team or McpServer).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public DefinitionKind Kind { get; set; }

        /// <summary>The definition's name.</summary>
        [Parameter(ParameterSetName = ByNameSet, Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        /// <summary>The content hash to check ("sha256:" and 64 hex digits).</summary>
        [Parameter(ParameterSetName = ByNameSet, Position = 2, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Sha256")]
        public string? ContentSha256 { get; set; }

        /// <summary>A version (def_…) whose name and hash are checked.</summary>
        [Parameter(ParameterSetName = ByIdSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? DefId { get; set; }

        /// <summary>Writes only whether the hash matches.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        protected override void ProcessRecord()
        {
            DefinitionKind kind = Kind;
            TryRun(DefId ?? Name, () =>
            {
                DefinitionVerification result = DefId is string defId
                    ? InvokeEngine((c, t) => c.TestDefinitionVersionAsync(kind, defId, Name, ContentSha256, t))
                    : InvokeEngine((c, t) => c.TestDefinitionAsync(kind, Name!, ContentSha256, t));
                if (Quiet)
                {
                    WriteObject(result.Matches);
                }
                else
                {
                    WriteObject(result);
                }
            });
        }
    }
}
