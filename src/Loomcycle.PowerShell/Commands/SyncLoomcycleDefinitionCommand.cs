using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Makes the server's definitions match a folder of definition files (GitOps).</summary>
    /// <remarks>
    /// Reads &lt;Path&gt;/&lt;kind&gt;/&lt;name&gt;.json (or .yaml, .yml), where &lt;kind&gt; is a definition kind (agent, skill, team, mcpserver, schedule,
    /// webhook, a2aagent, a2aservercard, memorybackend, documentsource; any case) and the file holds the definition itself
    /// (the body the server calls overlay). For each kind folder it lists the names (GET /v1/_&lt;kind&gt;def/names) and, for
    /// each file whose name has an active version, reads that version (op get; up to 6 reads at once, ahead of the
    /// file being compared) and compares by meaning: key order, number
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

        // Reads of active versions on the wire at once, the one being compared included (each on its own pooled
        // connection: as many as a browser opens to one host).
        private const int ActiveReadsAtOnce = 6;

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

            string[] tenants = names.Select(n => n.TenantId ?? string.Empty).Distinct(StringComparer.Ordinal).ToArray();
            if (tenants.Length > 1)
            {
                // An admin token lists every tenant's definitions, and may read and retire them all: a sync would compare a
                // file with another tenant's version, and -Prune would retire other tenants' definitions. Nothing is sent.
                WriteError(LoomcycleErrors.From(new InvalidArgumentException(
                    $"The server lists {kind} definitions of {tenants.Length} tenants to this token (an admin token sees them all): a sync could compare with, or prune, another tenant's definitions. Nothing was changed. Sync with a token of the tenant this folder belongs to."),
                    kind.ToString()));
                return;
            }

            var byName = names.GroupBy(n => n.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            // Each name once, with its files and what the server has for it.
            NamedFiles[] files = Directory.GetFiles(folder)
                .Where(f => DefinitionFileExtensions.Contains(System.IO.Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .OrderBy(f => f, StringComparer.Ordinal)
                .GroupBy(f => System.IO.Path.GetFileNameWithoutExtension(f), StringComparer.Ordinal)
                .Select(g => new NamedFiles(g.Key, g.ToArray(), byName.TryGetValue(g.Key, out DefinitionSummary? summary) ? summary : null))
                .ToArray();

            // The active versions are read ahead of the file being compared, up to 6 at once: each read is a round trip, and
            // an unchanged folder of 500 definitions was 500 of them one after the other. Writes stay one at a time, in file
            // order, after the comparison that needs them.
            var activeReads = new Task<DefinitionVersion>?[files.Length];
            int readsStarted = 0;
            try
            {
                for (int i = 0; i < files.Length; i++)
                {
                    for (; readsStarted < files.Length && readsStarted < i + ActiveReadsAtOnce; readsStarted++)
                    {
                        activeReads[readsStarted] = BeginActiveRead(kind, files[readsStarted]);
                    }

                    NamedFiles file = files[i];
                    seen.Add(file.Name);
                    if (file.Paths.Length > 1)
                    {
                        var twice = new DefinitionSyncResult(kind, file.Name, DefinitionSyncAction.Failed, null, file.Paths[0]);
                        Fail(twice, new InvalidArgumentException(
                            $"{kind} '{file.Name}' is defined by more than one file ({string.Join(", ", file.Paths.Select(System.IO.Path.GetFileName))}); keep one.", file.Paths[0]), file.Name);
                        continue;
                    }

                    Task<DefinitionVersion>? activeRead = activeReads[i];
                    activeReads[i] = null;
                    SyncFile(kind, file.Name, file.Paths[0], file.Summary, activeRead, root);
                }
            }
            finally
            {
                // The command stopped early (-ErrorAction Stop, Ctrl+C): the reads still ahead are let go.
                foreach (Task<DefinitionVersion>? read in activeReads)
                {
                    if (read is not null)
                    {
                        AbandonRead(read);
                    }
                }
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

        /// <summary>Starts reading the active version of a name defined by one file, if it has a live one (op get).</summary>
        private Task<DefinitionVersion>? BeginActiveRead(DefinitionKind kind, NamedFiles file) =>
            file.Paths.Length == 1 && file.Summary?.ActiveDefId is string activeId && file.Summary.ActiveRetired != true
                ? BeginRead((c, t) => c.GetDefinitionAsync(kind, activeId, t))
                : null;

        private void SyncFile(DefinitionKind kind, string name, string file, DefinitionSummary? summary, Task<DefinitionVersion>? activeRead, string root)
        {
            var result = new DefinitionSyncResult(kind, name, DefinitionSyncAction.Failed, summary?.ActiveDefId, file);
            try
            {
                // The read first: it is on the wire already, and taken, whatever the file holds.
                DefinitionVersion? active = activeRead is null ? null : EndRead(activeRead);
                string json = DefinitionInput.FromFile(file);

                if (active is { Retired: false })
                {
                    IReadOnlyList<string> changes = DefinitionComparer.Differences(json, active.Definition);
                    if (changes.Count == 0)
                    {
                        IReadOnlyList<string> kept = DefinitionComparer.StoredOnlyFields(json, active.Definition);
                        if (kept.Count > 0)
                        {
                            // Only what the file sets is compared: a field deleted from the file alone is no change.
                            WriteWarning($"{kind} '{name}': the active version also sets {string.Join(", ", kept)}, which the file does not. Nothing else changed, so nothing was sent and they stay; " +
                                "to remove them, set them empty in the file (for example tools: []), or change anything else: a new version is built from the file alone.");
                        }

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

        /// <summary>A definition name of a kind folder: its files (more than one is an error) and the server's summary of it.</summary>
        private sealed class NamedFiles
        {
            public NamedFiles(string name, string[] paths, DefinitionSummary? summary)
            {
                Name = name;
                Paths = paths;
                Summary = summary;
            }

            public string Name { get; }

            public string[] Paths { get; }

            public DefinitionSummary? Summary { get; }
        }
    }
}
