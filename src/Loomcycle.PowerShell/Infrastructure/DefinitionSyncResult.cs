using System.Management.Automation;

namespace Loomcycle.PowerShell
{
    /// <summary>What Sync-LoomcycleDefinition did to a definition.</summary>
    public enum DefinitionSyncAction
    {
        /// <summary>The name had no live active version; a version was created and promoted.</summary>
        Created,

        /// <summary>The file differs from the active version; a new version was created and promoted.</summary>
        Updated,

        /// <summary>The active version already means what the file says; nothing was sent.</summary>
        Unchanged,

        /// <summary>The folder no longer has the definition (-Prune); its live versions were retired.</summary>
        Retired,

        /// <summary>Reading the file or the server failed; Error says why.</summary>
        Failed,
    }

    /// <summary>One definition's outcome in Sync-LoomcycleDefinition.</summary>
    public sealed class DefinitionSyncResult
    {
        public DefinitionSyncResult(DefinitionKind kind, string name, DefinitionSyncAction action, string? defId, string? path)
        {
            Kind = kind;
            Name = name;
            Action = action;
            DefId = defId;
            Path = path;
        }

        public DefinitionKind Kind { get; }
        public string Name { get; }
        public DefinitionSyncAction Action { get; internal set; }

        /// <summary>The active version after the sync (for Retired: the version that was active).</summary>
        public string? DefId { get; internal set; }

        /// <summary>The definition file (none for Retired).</summary>
        public string? Path { get; }

        /// <summary>For Updated: the fields whose meaning differed from the active version.</summary>
        public string[]? Changes { get; internal set; }

        /// <summary>For Failed: the error, as also written to the error stream.</summary>
        public ErrorRecord? Error { get; internal set; }

        public override string ToString() => $"{Action} {Kind} {Name}";
    }
}
