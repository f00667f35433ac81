using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Restores the runtime from a snapshot: one stored on the server, a file, JSON text, or a snapshot object.</summary>
    /// <remarks>
    /// Calls POST /v1/_snapshots/{id}/restore. Give exactly one source: -Id (a snapshot on this server),
    /// -Path (an exported envelope file, sent byte for byte as stored), -Json (envelope text), or a
    /// Loomcycle.Snapshot from the pipeline (restored from its JsonContent when it has one, which is how a
    /// snapshot moves between servers, otherwise by its Id). -IncludeHistory also restores session
    /// transcripts. An envelope from a newer server fails with SnapshotVersion. Writes the rows restored
    /// per section. Asks for confirmation unless -Force or -Confirm:$false is given.
    /// </remarks>
    /// <example>
    /// <code>Restore-LoomcycleSnapshot -Path ./backup.json -Force</code>
    /// <para>Restores from an exported file without asking.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleSnapshot -Id snap_01HZX3 -IncludeContent -Connection $prod | Restore-LoomcycleSnapshot -Connection $staging -Force</code>
    /// <para>Copies a snapshot from one server to another.</para>
    /// </example>
    [Cmdlet(VerbsData.Restore, "LoomcycleSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByIdSet)]
    [OutputType(typeof(SnapshotRestoreResult))]
    public sealed class RestoreLoomcycleSnapshotCommand : LoomcycleCmdlet
    {
        private const string ByIdSet = "ById";
        private const string FromPathSet = "FromPath";
        private const string FromJsonSet = "FromJson";
        private const string FromObjectSet = "InputObject";

        /// <summary>The id of a snapshot stored on this server.</summary>
        // Not bound by property name: the binder would prefer this (default) set over InputObject for piped snapshots.
        [Parameter(ParameterSetName = ByIdSet, Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SnapshotIdCompleter))]
        public string Id { get; set; } = string.Empty;

        /// <summary>An exported envelope file (Export-LoomcycleSnapshot); relative to the current location.</summary>
        [Parameter(ParameterSetName = FromPathSet, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>The envelope as JSON text (for example another server's JsonContent).</summary>
        [Parameter(ParameterSetName = FromJsonSet, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Json { get; set; } = string.Empty;

        /// <summary>A snapshot from Get-LoomcycleSnapshot; restored from its JsonContent when present, else by its Id.</summary>
        [Parameter(ParameterSetName = FromObjectSet, Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public Snapshot? InputObject { get; set; }

        /// <summary>Also restores session history (transcripts) from the envelope.</summary>
        [Parameter]
        public SwitchParameter IncludeHistory { get; set; }

        /// <summary>Restores without asking for confirmation (-WhatIf still only shows what would happen).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            bool? includeHistory = MyInvocation.BoundParameters.ContainsKey(nameof(IncludeHistory)) ? IncludeHistory.IsPresent : (bool?)null;
            switch (ParameterSetName)
            {
                case FromPathSet:
                    string file = GetUnresolvedProviderPathFromPSPath(Path);
                    Restore(file, $"Restore the runtime from the file {file}", (connection, token) => connection.RestoreSnapshotFromFileAsync(file, includeHistory, token));
                    break;
                case FromJsonSet:
                    Restore("inline JSON", "Restore the runtime from the given JSON", (connection, token) => connection.RestoreSnapshotFromJsonAsync(Json, includeHistory, token));
                    break;
                case FromObjectSet:
                    Snapshot snapshot = InputObject!;
                    if (!string.IsNullOrEmpty(snapshot.JsonContent))
                    {
                        string json = snapshot.JsonContent!;
                        Restore(snapshot.Id, $"Restore the runtime from the content of snapshot {snapshot.Id}", (connection, token) => connection.RestoreSnapshotFromJsonAsync(json, includeHistory, token));
                    }
                    else
                    {
                        string id = snapshot.Id;
                        Restore(id, "Restore the runtime from snapshot " + id, (connection, token) => connection.RestoreSnapshotAsync(id, includeHistory, token));
                    }

                    break;
                default:
                    Restore(Id, "Restore the runtime from snapshot " + Id, (connection, token) => connection.RestoreSnapshotAsync(Id, includeHistory, token));
                    break;
            }
        }

        private void Restore(string target, string action, System.Func<LoomcycleConnection, System.Threading.CancellationToken, System.Threading.Tasks.Task<SnapshotRestoreResult>> call)
        {
            if (!Confirmation.ShouldProcess(this, Force, ResolvedConnection.BaseUri.ToString(), action))
            {
                return;
            }

            TryRun(target, () =>
            {
                SnapshotRestoreResult result = InvokeEngine(call);
                WriteServerWarnings(result.Warnings);

                WriteObject(result);
            });
        }
    }
}
