using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Makes the server's definitions match a folder of definition files (GitOps).</summary>
    /// <remarks>
    /// Reads &lt;Path&gt;/&lt;kind&gt;/&lt;name&gt;.json (or .yaml, .yml), where &lt;kind&gt; is a definition kind (agent, skill, team, mcpserver, schedule,
    /// webhook, a2aagent, a2aservercard, memorybackend, documentsource; any case) and the file holds the definition itself
    /// (the body the server calls overlay). For each kind folder it lists the names (GET /v1/_&lt;kind&gt;def/names) and, for
    /// each file whose name has an active version, reads that version (op get) and compares by meaning: key order, number
    /// format and fields the server derives or drops as empty do not count; only the fields the file sets are compared.
    /// Where the content differs, or the name has no live active version, it creates a new version and promotes it (op create,
    /// promote: true). With -Prune, names of a synced kind that the folder no longer has get all their live versions retired;
    /// that asks for confirmation (ConfirmImpact High) unless -Force or -Confirm:$false is given. Volume and credential
    /// folders are not synced (they are not versioned and credentials hold secrets). A name defined by two files (JSON and YAML) is Failed.
    /// Writes one result per definition: Kind, Name, Action (Created, Updated, Unchanged, Retired, Failed), DefId, and, on
    /// failure, Error (also written to the error stream, so $? and -ErrorAction work). -WhatIf shows the plan and sends no
    /// change; running it twice in a row changes nothing the second time.
    /// </remarks>
    /// <example>
    /// <code>Sync-LoomcycleDefinition -Path ./definitions -WhatIf</code>
    /// <para>Shows what a sync would create, update and leave alone, without changing anything.</para>
    /// </example>
    /// <example>
    /// <code>Sync-LoomcycleDefinition -Path ./definitions -Prune -Force | Where-Object Action -ne Unchanged</code>
    /// <para>Deploys the folder from CI, retiring definitions that were deleted from it, and shows what changed.</para>
    /// </example>
    [Cmdlet(VerbsData.Sync, "LoomcycleDefinition", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(DefinitionSyncResult))]
    public sealed class SyncLoomcycleDefinitionCommand : LoomcycleCmdlet
    {
        private static readonly string[] DefinitionFileExtensions = { ".json", ".yaml", ".yml" };

        /// <summary>The folder holding one sub-folder per kind.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>Syncs only these kinds.</summary>
        [Parameter]
        public DefinitionKind[]? Kind { get; set; }

        /// <summary>Retires definitions of a synced kind that the folder no longer has.</summary>
        [Parameter]
        public SwitchParameter Prune { get; set; }

        /// <summary>Retires (-Prune) without asking for confirmation (-WhatIf still only shows what would happen).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>The description stored with each version the sync creates.</summary>
        [Parameter]
        public string? Description { get; set; }

        protected override void ProcessRecord()
        {
            string root = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (!Directory.Exists(root))
            {
                ThrowLoomcycleError(new InvalidArgumentException($"The folder '{root}' does not exist.", root), root);
                return;
            }

            var folders = new SortedDictionary<DefinitionKind, string>();
            foreach (string folder in Directory.GetDirectories(root).OrderBy(f => f, StringComparer.Ordinal))
            {
                string folderName = System.IO.Path.GetFileName(folder);
                if (!DefinitionKinds.TryParse(folderName, out DefinitionKind kind))
                {
                    WriteWarning($"The folder '{folderName}' is not a definition kind; it was skipped.");
                    continue;
                }

                if (!DefinitionKinds.IsVersioned(kind))
                {
                    WriteWarning($"The folder '{folderName}' holds {kind} definitions, which are not versioned; Sync-LoomcycleDefinition skips them.");
                    continue;
                }

                if (Kind is null || Kind.Contains(kind))
                {
                    if (folders.ContainsKey(kind))
                    {
                        WriteWarning($"The folder '{folderName}' names {kind} again; it was skipped.");
                        continue;
                    }

                    folders[kind] = folder;
                }
            }

            foreach (KeyValuePair<DefinitionKind, string> folder in folders)
            {
                SyncKind(folder.Key, folder.Value, root);
            }
        }

        private void SyncKind(DefinitionKind kind, string folder, string root)
        {
            DefinitionSummary[] names = Array.Empty<DefinitionSummary>();
            if (!TryRun(kind.ToString(), () => names = InvokeEngine((c, t) => c.GetDefinitionSummariesAsync(kind, false, null, t))))
            {
                return;
            }

            var byName = names.GroupBy(n => n.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            IEnumerable<IGrouping<string, string>> files = Directory.GetFiles(folder)
                .Where(f => DefinitionFileExtensions.Contains(System.IO.Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .OrderBy(f => f, StringComparer.Ordinal)
                .GroupBy(f => System.IO.Path.GetFileNameWithoutExtension(f), StringComparer.Ordinal);
            foreach (IGrouping<string, string> file in files)
            {
                string name = file.Key;
                seen.Add(name);
                if (file.Count() > 1)
                {
                    var twice = new DefinitionSyncResult(kind, name, DefinitionSyncAction.Failed, null, file.First());
                    Fail(twice, new InvalidArgumentException(
                        $"{kind} '{name}' is defined by more than one file ({string.Join(", ", file.Select(System.IO.Path.GetFileName))}); keep one.", file.First()), name);
                    continue;
                }

                SyncFile(kind, name, file.First(), byName.TryGetValue(name, out DefinitionSummary? summary) ? summary : null, root);
            }

            if (!Prune)
            {
                return;
            }

            foreach (DefinitionSummary summary in names.Where(n => !seen.Contains(n.Name)).OrderBy(n => n.Name, StringComparer.Ordinal))
            {
                PruneName(kind, summary);
            }
        }

        private void SyncFile(DefinitionKind kind, string name, string file, DefinitionSummary? summary, string root)
        {
            var result = new DefinitionSyncResult(kind, name, DefinitionSyncAction.Failed, summary?.ActiveDefId, file);
            try
            {
                string json = DefinitionInput.FromFile(file);
                DefinitionVersion? active = null;
                if (summary?.ActiveDefId is string activeId && summary.ActiveRetired != true)
                {
                    active = InvokeEngine((c, t) => c.GetDefinitionAsync(kind, activeId, t));
                }

                if (active is { Retired: false })
                {
                    IReadOnlyList<string> changes = DefinitionComparer.Differences(json, active.Definition);
                    if (changes.Count == 0)
                    {
                        result.Action = DefinitionSyncAction.Unchanged;
                        result.DefId = active.DefId;
                        WriteObject(result);
                        return;
                    }

                    result.Action = DefinitionSyncAction.Updated;
                    result.Changes = changes.ToArray();
                    WriteVerbose($"{kind} '{name}' differs from its active version {active.DefId} in: {string.Join(", ", changes)}.");
                }
                else
                {
                    result.Action = DefinitionSyncAction.Created;
                }

                string plan = result.Action == DefinitionSyncAction.Created
                    ? "Create definition and make it active"
                    : $"Create a new version and make it active (changed: {string.Join(", ", result.Changes!)})";
                if (!ShouldProcess($"{kind} '{name}'", plan))
                {
                    return;
                }

                string description = Description ?? "Sync-LoomcycleDefinition " + Relative(root, file);
                DefinitionVersion created = InvokeEngine((c, t) => c.NewDefinitionAsync(kind, name, json, description, true, t));
                result.DefId = created.DefId;
                if (created.Deduplicated == true)
                {
                    result.Action = DefinitionSyncAction.Unchanged;
                }

                IReadOnlyList<string> dropped = DefinitionComparer.Differences(json, created.Definition);
                if (dropped.Count > 0)
                {
                    WriteWarning($"The server did not keep these fields of {kind} '{name}' as written: {string.Join(", ", dropped)}. " +
                        "They are probably unknown to it; until the file drops them, every sync makes a new version.");
                }

                WriteObject(result);
            }
            catch (LoomcycleException ex)
            {
                Fail(result, ex, name);
            }
            catch (IOException ex)
            {
                Fail(result, new InvalidArgumentException($"The file '{file}' could not be read: {ex.Message}", file, ex), file);
            }
            catch (UnauthorizedAccessException ex)
            {
                Fail(result, new InvalidArgumentException($"The file '{file}' could not be read: {ex.Message}", file, ex), file);
            }
        }

        private void PruneName(DefinitionKind kind, DefinitionSummary summary)
        {
            string name = summary.Name;
            var result = new DefinitionSyncResult(kind, name, DefinitionSyncAction.Retired, summary.ActiveDefId, null);
            try
            {
                DefinitionVersion[] live = InvokeEngine((c, t) => c.GetDefinitionVersionsAsync(kind, name, t))
                    .Where(v => !v.Retired).ToArray();
                if (live.Length == 0)
                {
                    return; // already retired by an earlier prune
                }

                string target = $"{kind} '{name}'";
                string action = $"Retire {live.Length} live version(s): the folder no longer has this definition";
                if (!ShouldProcess(target, action) || !(Force || ConfirmedFalse() || ShouldContinue($"{action}?", $"Retire {target}")))
                {
                    return;
                }

                foreach (DefinitionVersion version in live)
                {
                    InvokeEngine((c, t) => c.RetireDefinitionAsync(kind, version.DefId, true, t));
                }

                WriteObject(result);
            }
            catch (LoomcycleException ex)
            {
                Fail(result, ex, name);
            }
        }

        private bool ConfirmedFalse() =>
            MyInvocation.BoundParameters.TryGetValue("Confirm", out object? confirm) && !LanguagePrimitives.IsTrue(confirm);

        private void Fail(DefinitionSyncResult result, LoomcycleException exception, string target)
        {
            ErrorRecord error = LoomcycleErrors.From(exception, target);
            result.Action = DefinitionSyncAction.Failed;
            result.Error = error;
            WriteObject(result);
            WriteError(error);
        }

        private static string Relative(string root, string file)
        {
            string prefix = root.TrimEnd(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar) + System.IO.Path.DirectorySeparatorChar;
            string relative = file.StartsWith(prefix, StringComparison.Ordinal) ? file.Substring(prefix.Length) : System.IO.Path.GetFileName(file);
            return relative.Replace('\\', '/');
        }
    }
}
