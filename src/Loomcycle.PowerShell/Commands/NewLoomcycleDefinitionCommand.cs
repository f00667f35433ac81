using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Creates a definition, or a new version of one.</summary>
    /// <remarks>
    /// Sends op create to POST /v1/_&lt;kind&gt;def. For versioned kinds the definition travels as the overlay and becomes a new
    /// version, which the server promotes (makes active) unless -Promote:$false is given; agents and MCP servers answer
    /// with the active version (Deduplicated) when its content is already the same. For volumes and credentials the
    /// definition's fields (mode; scope, value, backend) are sent beside the name. -Definition takes a hashtable, any
    /// object, JSON text, or the path of a .json file. A tool's refusal is a ToolRefused error with the tool's own message.
    /// </remarks>
    /// <example>
    /// <code>New-LoomcycleDefinition -Kind Agent -Name triage -Definition @{ model = 'default'; system_prompt = 'Sort the inbox.' }</code>
    /// <para>Creates agent "triage" (version 1, active).</para>
    /// </example>
    /// <example>
    /// <code>New-LoomcycleDefinition -Kind Schedule -Name nightly -Definition ./definitions/schedule/nightly.json -Description 'from git'</code>
    /// <para>Creates a schedule version from a file.</para>
    /// </example>
    [Cmdlet(VerbsCommon.New, "LoomcycleDefinition", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(DefinitionVersion))]
    public sealed class NewLoomcycleDefinitionCommand : LoomcycleCmdlet
    {
        /// <summary>The kind of definition.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public DefinitionKind Kind { get; set; }

        /// <summary>The definition's name.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        /// <summary>The definition: a hashtable, an object, JSON text, or the path of a .json file.</summary>
        [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public object Definition { get; set; } = null!;

        /// <summary>Why this version exists; stored with it.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Description { get; set; }

        /// <summary>Whether the new version becomes active (the server's default is yes); -Promote:$false keeps the current one.</summary>
        [Parameter]
        public SwitchParameter Promote { get; set; }

        protected override void ProcessRecord()
        {
            DefinitionKind kind = Kind;
            string name = Name;
            bool? promote = MyInvocation.BoundParameters.ContainsKey(nameof(Promote)) ? Promote.IsPresent : null;
            TryRun(name, () =>
            {
                string json = DefinitionInput.ToJson(this, Definition);
                if (ShouldProcess($"{kind} '{name}'", "Create definition version"))
                {
                    WriteObject(InvokeEngine((c, t) => c.NewDefinitionAsync(kind, name, json, Description, promote, t)));
                }
            });
        }
    }
}
