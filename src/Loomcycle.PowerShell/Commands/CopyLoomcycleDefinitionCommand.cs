using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Forks a definition: a new version from a parent version with changes applied.</summary>
    /// <remarks>
    /// Sends op fork to POST /v1/_&lt;kind&gt;def. The parent is -DefId, or the name's active version when no -DefId is given;
    /// -Definition holds the fields to change (the overlay), merged over the parent's. Agents, skills, teams and MCP
    /// servers do not promote a fork unless -Promote is given; the other kinds promote it unless -Promote:$false.
    /// Binds Kind, Name and DefId from Get-LoomcycleDefinition output.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleDefinition -Kind Agent -Name triage | Copy-LoomcycleDefinition -Definition @{ model = 'large' } -Promote</code>
    /// <para>Forks the active version of agent "triage" with another model and makes the fork active.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Copy, "LoomcycleDefinition", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(DefinitionVersion))]
    public sealed class CopyLoomcycleDefinitionCommand : LoomcycleCmdlet
    {
        /// <summary>The kind of definition.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public DefinitionKind Kind { get; set; }

        /// <summary>The definition's name (a fork stays under its parent's name).</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        /// <summary>The parent version (def_…); without it, the name's active version.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? DefId { get; set; }

        /// <summary>The fields to change: a hashtable, an object, JSON text, or the path of a .json file.</summary>
        [Parameter(Position = 2)]
        [ValidateNotNull]
        public object? Definition { get; set; }

        /// <summary>Why this version exists; stored with it.</summary>
        [Parameter]
        public string? Description { get; set; }

        /// <summary>Makes the fork the active version (-Promote:$false leaves the active one in place).</summary>
        [Parameter]
        public SwitchParameter Promote { get; set; }

        protected override void ProcessRecord()
        {
            DefinitionKind kind = Kind;
            string name = Name;
            string? parent = DefId;
            bool? promote = MyInvocation.BoundParameters.ContainsKey(nameof(Promote)) ? Promote.IsPresent : null;
            TryRun(parent ?? name, () =>
            {
                string? overlay = Definition is null ? null : DefinitionInput.ToJson(this, Definition);
                if (ShouldProcess($"{kind} '{name}'{(parent is null ? string.Empty : $" ({parent})")}", "Fork definition"))
                {
                    WriteObject(InvokeEngine((c, t) => c.CopyDefinitionAsync(kind, name, parent, overlay, Description, promote, t)));
                }
            },
            ex => ex is InvalidArgumentException { StatusCode: 0 } && !DefinitionKinds.IsVersioned(kind) ? "Create another one with New-LoomcycleDefinition." : null);
        }
    }
}
