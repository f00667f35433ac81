using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Downloads a snapshot's envelope to a file.</summary>
    /// <remarks>
    /// Streams GET /v1/_snapshots/{id}/export into a temporary file beside the target and moves it into
    /// place when complete, so a failure never leaves a partial file. -Path may be a file or an existing
    /// folder (the file is then named after the snapshot id: &lt;folder&gt;/&lt;id&gt;.json); relative
    /// paths are resolved against the current PowerShell location. An existing file is overwritten only
    /// with -Force. Writes the file's FileInfo.
    /// </remarks>
    /// <example>
    /// <code>Export-LoomcycleSnapshot snap_01HZX3 -Path ./backup.json</code>
    /// <para>Saves one snapshot to a file.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleSnapshot -Label nightly | Export-LoomcycleSnapshot -Path D:\backups\loomcycle</code>
    /// <para>Saves every nightly snapshot into a folder, one file per snapshot.</para>
    /// </example>
    [Cmdlet(VerbsData.Export, "LoomcycleSnapshot", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportLoomcycleSnapshotCommand : LoomcycleCmdlet
    {
        /// <summary>The id of the snapshot to export.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SnapshotIdCompleter))]
        public string Id { get; set; } = string.Empty;

        /// <summary>The file to write, or an existing folder to write &lt;id&gt;.json into.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>Overwrites an existing file.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        // Files this invocation wrote, and for which snapshot: several piped snapshots and a -Path that is not a folder (a
        // typo, a folder not created yet) would otherwise each replace the one file, and only the last would be kept.
        private readonly Dictionary<string, string> _written = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        protected override void ProcessRecord()
        {
            string file = TargetFile();
            if (_written.TryGetValue(file, out string? earlier))
            {
                WriteError(LoomcycleErrors.From(
                    new InvalidArgumentException($"Snapshot {Id} would replace '{file}', which this command has just written for snapshot {earlier}: -Path names a file. To export several snapshots, give an existing folder."),
                    Id));
                return;
            }

            if (!ShouldProcess(file, $"Export snapshot {Id}"))
            {
                return;
            }

            TryRun(
                Id,
                () =>
                {
                    FileInfo written = InvokeEngine((connection, token) => connection.ExportSnapshotToFileAsync(Id, file, Force, token));
                    _written[file] = Id;
                    WriteObject(written);
                },
                ex => ex is InvalidArgumentException && !Force && System.IO.File.Exists(file) ? "Use -Force to overwrite the file." : null);
        }

        private string TargetFile()
        {
            string resolved = GetUnresolvedProviderPathFromPSPath(Path);
            return Directory.Exists(resolved) ? System.IO.Path.Combine(resolved, FileNameFor(Id)) : resolved;
        }

        // Snapshot ids are free-form on the server; keep the file name inside the folder whatever the id holds.
        private static string FileNameFor(string id)
        {
            char[] name = id.ToCharArray();
            char[] invalid = System.IO.Path.GetInvalidFileNameChars();
            for (int i = 0; i < name.Length; i++)
            {
                if (System.Array.IndexOf(invalid, name[i]) >= 0 || name[i] == '/' || name[i] == '\\')
                {
                    name[i] = '_';
                }
            }

            string safe = new string(name);
            return (safe == "." || safe == ".." ? "_" + safe : safe) + ".json";
        }
    }
}
