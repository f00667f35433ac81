using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Lists definitions of a kind, or gets a definition's active version, all its versions, or one version by id.</summary>
    /// <remarks>
    /// With -Kind only, lists every name of that kind with its version count and active version: GET /v1/_&lt;kind&gt;def/names
    /// (or, with -Library, the unified view GET /v1/_library/agents|skills|mcp-servers, which also shows static definitions);
    /// volumes and credentials are listed with op list. A -Name with wildcards filters that listing. A -Name without
    /// wildcards gets the name's active version (op get), and -AllVersions every version (op list), newest first, marking
    /// the active one (IsActive). -DefId gets one version. Every object carries Kind and DefId, so it pipes into Copy-,
    /// Publish-, Remove- and Test-LoomcycleDefinition. The Definition property holds the stored body as exact JSON text;
    /// DefinitionObject reads it as objects.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleDefinition -Kind Agent</code>
    /// <para>Lists every agent definition with its version count and active version.</para>
    /// </example>
    /// <example>
    /// <code>(Get-LoomcycleDefinition -Kind Agent -Name triage).DefinitionObject.system_prompt</code>
    /// <para>Reads the active version of agent "triage" and shows its system prompt.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleDefinition -Kind Schedule -Name nightly -AllVersions | Select-Object Version, DefId, IsActive, Retired</code>
    /// <para>Shows the lineage of schedule "nightly".</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleDefinition", DefaultParameterSetName = ListSet)]
    [OutputType(typeof(DefinitionSummary), typeof(DefinitionVersion))]
    public sealed class GetLoomcycleDefinitionCommand : LoomcycleCmdlet
    {
        private const string ListSet = "List";
        private const string VersionsSet = "Versions";
        private const string ByIdSet = "ById";

        /// <summary>The kind of definition (Agent, Skill, Team, McpServer, Schedule, Webhook, A2AAgent, A2AServerCard, MemoryBackend, DocumentSource, Volume, Credential).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public DefinitionKind Kind { get; set; }

        /// <summary>A definition name: without wildcards, its active version is got; with wildcards, the listing is filtered.</summary>
        [Parameter(ParameterSetName = ListSet, Position = 1)]
        [Parameter(ParameterSetName = VersionsSet, Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string? Name { get; set; }

        /// <summary>Gets every version of -Name (newest first) instead of the active one.</summary>
        [Parameter(ParameterSetName = VersionsSet, Mandatory = true)]
        public SwitchParameter AllVersions { get; set; }

        /// <summary>The id (def_…) of one version to get.</summary>
        [Parameter(ParameterSetName = ByIdSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string DefId { get; set; } = string.Empty;

        /// <summary>Lists from the unified library view (Agent, Skill, McpServer), which also shows static definitions.</summary>
        [Parameter(ParameterSetName = ListSet)]
        public SwitchParameter Library { get; set; }

        /// <summary>An admin's focus on one tenant's definitions (the listing's tenant query).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateNotNullOrEmpty]
        public string? Tenant { get; set; }

        protected override void ProcessRecord()
        {
            DefinitionKind kind = Kind;
            switch (ParameterSetName)
            {
                case ByIdSet:
                    TryRun(
                        DefId,
                        () => WriteObject(InvokeEngine((c, t) => c.GetDefinitionAsync(kind, DefId, t))),
                        ex => ex is InvalidArgumentException { StatusCode: 0 } && !DefinitionKinds.IsVersioned(kind)
                            ? $"{kind} definitions have no ids to get; get one by name: Get-LoomcycleDefinition -Kind {kind} -Name <name>."
                            : null);
                    return;
                case VersionsSet:
                    WriteVersions(kind, Name!);
                    return;
            }

            if (Name is not null && !WildcardPattern.ContainsWildcardCharacters(Name) && DefinitionKinds.IsVersioned(kind) && !Library)
            {
                string name = Name;
                TryRun(name, () => WriteObject(InvokeEngine((c, t) => c.GetActiveDefinitionAsync(kind, name, Tenant, t))));
                return;
            }

            TryRun(Name ?? kind.ToString(), () =>
            {
                DefinitionSummary[] rows = InvokeEngine((c, t) => c.GetDefinitionSummariesAsync(kind, Library, Tenant, t));
                WildcardPattern? filter = Name is null ? null : new WildcardPattern(Name, WildcardOptions.IgnoreCase);
                foreach (DefinitionSummary row in rows)
                {
                    if (filter is null || filter.IsMatch(row.Name))
                    {
                        WriteObject(row);
                    }
                }
            });
        }

        private void WriteVersions(DefinitionKind kind, string name) =>
            TryRun(name, () => WriteObject(InvokeEngine((c, t) => c.GetDefinitionLineageAsync(kind, name, t)), enumerateCollection: true));
    }
}
