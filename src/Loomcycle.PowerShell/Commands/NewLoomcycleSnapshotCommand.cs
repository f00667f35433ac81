using System;
using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Captures the runtime's state into a new snapshot on the server.</summary>
    /// <remarks>
    /// Calls POST /v1/_snapshots. The snapshot holds agent definitions, memory, channels, evaluations and
    /// paused runs; -IncludeHistory adds session transcripts (-IncludeHistorySince only those after a time,
    /// and implies -IncludeHistory). Captures larger than the server's cap (512 MiB unless -MaxBytes says
    /// otherwise) fail with SnapshotTooLarge. The new snapshot's descriptor is written, with its ExportUrl.
    /// </remarks>
    /// <example>
    /// <code>New-LoomcycleSnapshot -Label "nightly-$(Get-Date -Format yyyy-MM-dd)"</code>
    /// <para>Takes a labelled snapshot.</para>
    /// </example>
    /// <example>
    /// <code>New-LoomcycleSnapshot -Label audit -IncludeHistorySince (Get-Date).AddDays(-1)</code>
    /// <para>Takes a snapshot with the last day's session history.</para>
    /// </example>
    [Cmdlet(VerbsCommon.New, "LoomcycleSnapshot", SupportsShouldProcess = true)]
    [OutputType(typeof(Snapshot))]
    public sealed class NewLoomcycleSnapshotCommand : LoomcycleCmdlet
    {
        /// <summary>A label to find the snapshot by later (Get-LoomcycleSnapshot -Label).</summary>
        [Parameter(Position = 0)]
        public string? Label { get; set; }

        /// <summary>Also captures session transcripts.</summary>
        [Parameter]
        public SwitchParameter IncludeHistory { get; set; }

        /// <summary>Captures only history after this time; implies -IncludeHistory.</summary>
        [Parameter]
        public DateTimeOffset? IncludeHistorySince { get; set; }

        /// <summary>Size cap for this capture in bytes, instead of the server's default (512 MiB).</summary>
        [Parameter]
        [ValidateRange(1, long.MaxValue)]
        public long? MaxBytes { get; set; }

        protected override void EndProcessing()
        {
            string target = string.IsNullOrEmpty(Label) ? ResolvedConnection.BaseUri.ToString() : Label!;
            if (!ShouldProcess(target, "Create snapshot"))
            {
                return;
            }

            bool? includeHistory = MyInvocation.BoundParameters.ContainsKey(nameof(IncludeHistory)) ? IncludeHistory.IsPresent : (bool?)null;
            if (IncludeHistorySince is not null)
            {
                includeHistory = true;
            }

            var request = new CreateSnapshotRequest
            {
                Label = Label,
                IncludeHistory = includeHistory,
                IncludeHistorySince = IncludeHistorySince,
                MaxBytes = MaxBytes,
            };
            TryRun(target, () => WriteObject(InvokeEngine((connection, token) => connection.CreateSnapshotAsync(request, token))));
        }
    }
}
