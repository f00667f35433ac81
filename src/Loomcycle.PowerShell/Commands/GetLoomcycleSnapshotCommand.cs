using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Lists snapshots, or gets snapshots by id, optionally with their content.</summary>
    /// <remarks>
    /// Without -Id, calls GET /v1/_snapshots (newest first; -Label matches labels containing the text,
    /// case-insensitively; -Limit caps the count). With -Id, calls GET /v1/_snapshots/{id} for each id.
    /// -IncludeContent fills JsonContent with the envelope's exact JSON (a listing then gets each snapshot);
    /// the Content property reads it as objects. Every snapshot carries its Id and ExportUrl, so it pipes
    /// into Export-, Restore- and Remove-LoomcycleSnapshot.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleSnapshot -Label nightly -Limit 7</code>
    /// <para>Lists the seven newest snapshots whose label contains "nightly".</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleSnapshot -Id snap_01HZX3 -IncludeContent -Connection $prod | Restore-LoomcycleSnapshot -Connection $staging -Force</code>
    /// <para>Copies a snapshot from one server to another.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleSnapshot", DefaultParameterSetName = ListSet)]
    [OutputType(typeof(Snapshot))]
    public sealed class GetLoomcycleSnapshotCommand : LoomcycleCmdlet
    {
        private const string ListSet = "List";
        private const string ByIdSet = "ById";

        /// <summary>The ids of the snapshots to get.</summary>
        [Parameter(ParameterSetName = ByIdSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SnapshotIdCompleter))]
        public string[] Id { get; set; } = System.Array.Empty<string>();

        /// <summary>Lists only snapshots whose label contains this text (case-insensitive).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateNotNullOrEmpty]
        public string? Label { get; set; }

        /// <summary>Lists at most this many snapshots (newest first).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateRange(1, int.MaxValue)]
        public int? Limit { get; set; }

        /// <summary>Fills JsonContent with each snapshot's envelope (one more request per listed snapshot).</summary>
        [Parameter]
        public SwitchParameter IncludeContent { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == ByIdSet)
            {
                foreach (string id in Id)
                {
                    WriteById(id);
                }

                return;
            }

            Snapshot[] listed = System.Array.Empty<Snapshot>();
            if (!TryRun(Label, () => listed = InvokeEngine((connection, token) => connection.ListSnapshotsAsync(Limit, Label, token))))
            {
                return;
            }

            foreach (Snapshot snapshot in listed)
            {
                if (IncludeContent)
                {
                    WriteById(snapshot.Id);
                }
                else
                {
                    WriteObject(snapshot);
                }
            }
        }

        private void WriteById(string id) =>
            TryRun(id, () =>
            {
                Snapshot snapshot = InvokeEngine((connection, token) => connection.GetSnapshotAsync(id, token));
                if (!IncludeContent)
                {
                    // The server always sends the envelope here; keep objects light unless asked.
                    snapshot.JsonContent = null;
                }

                WriteObject(snapshot);
            });
    }
}
