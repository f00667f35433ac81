using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Maintains the memory vector index: re-embeds rows, backfills missing embeddings, or purges stale ones.</summary>
    /// <remarks>
    /// -Reembed calls POST /v1/_memory/reembed (every row again with the current embedder, e.g. after a model change),
    /// -Backfill calls POST /v1/_memory/backfill_embeddings (rows that have no embedding yet) and repeats while the
    /// server says there is more, showing a progress bar, -PurgeStale calls POST /v1/_memory/purge_stale_embeddings
    /// (deletes index entries whose row has no text). Every call is live; -WhatIf instead asks the server for its own
    /// dry run and writes that answer (what would be embedded or purged, sample keys, the embedder). Writes one result
    /// per server call. Asks for confirmation unless -Force. Admin tokens must name -Tenant.
    /// </remarks>
    /// <example>
    /// <code>Update-LoomcycleMemoryEmbedding -Backfill -Scope user -ScopeId u1 -WhatIf</code>
    /// <para>Shows how many of u1's rows lack an embedding, without embedding anything.</para>
    /// </example>
    /// <example>
    /// <code>Update-LoomcycleMemoryEmbedding -Backfill -Scope tenant -Limit 500 -Force</code>
    /// <para>Embeds every tenant row that lacks an embedding, 500 per call, until none is left.</para>
    /// </example>
    /// <example>
    /// <code>Update-LoomcycleMemoryEmbedding -Reembed -Scope agent -ScopeId planner -Force</code>
    /// <para>Re-embeds the planner agent's memory with the current embedder.</para>
    /// </example>
    [Cmdlet(VerbsData.Update, "LoomcycleMemoryEmbedding", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = BackfillSet)]
    [OutputType(typeof(MemoryEmbeddingResult))]
    public sealed class UpdateLoomcycleMemoryEmbeddingCommand : LoomcycleCmdlet
    {
        private const string ReembedSet = "Reembed";
        private const string BackfillSet = "Backfill";
        private const string PurgeSet = "PurgeStale";

        /// <summary>Re-embeds every row of the scope id with the current embedder.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ReembedSet)]
        public SwitchParameter Reembed { get; set; }

        /// <summary>Embeds rows that have no embedding yet, repeating while the server reports more.</summary>
        [Parameter(Mandatory = true, ParameterSetName = BackfillSet)]
        public SwitchParameter Backfill { get; set; }

        /// <summary>Deletes index entries whose row has no text left.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PurgeSet)]
        public SwitchParameter PurgeStale { get; set; }

        /// <summary>The scope: agent, user or tenant.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateSet("agent", "user", "tenant")]
        [LowerCase]
        public string Scope { get; set; } = string.Empty;

        /// <summary>The id within the scope; required except for tenant.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(MemoryScopeIdCompleter))]
        public string? ScopeId { get; set; }

        /// <summary>Rows per server call (reembed: 1 to 10000, default 1000; backfill default 200; purge default 500).</summary>
        [Parameter]
        [ValidateRange(1, 100000)]
        public int? Limit { get; set; }

        /// <summary>Only keys that start with this text (backfill and purge).</summary>
        [Parameter(ParameterSetName = BackfillSet)]
        [Parameter(ParameterSetName = PurgeSet)]
        public string? Prefix { get; set; }

        /// <summary>The tenant to work on; required with an admin token.</summary>
        [Parameter]
        public string? Tenant { get; set; }

        /// <summary>Runs without asking for confirmation (-WhatIf still only shows the server's dry run).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            string operation = ParameterSetName;
            string target = string.IsNullOrEmpty(ScopeId) ? Scope : $"{Scope}/{ScopeId}";
            string action = operation switch
            {
                ReembedSet => "Re-embed memory",
                PurgeSet => "Purge stale embeddings",
                _ => "Backfill embeddings",
            };

            bool whatIf = MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? w) ? LanguagePrimitives.IsTrue(w) : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
            if (!Confirmation.ShouldProcess(this, Force, target, action))
            {
                if (whatIf)
                {
                    // The server's own dry run is the answer to -WhatIf.
                    TryRun(target, () => WriteObject(Call(operation, dryRun: true)));
                }

                return;
            }

            TryRun(target, () =>
            {
                if (operation != BackfillSet)
                {
                    WriteObject(Call(operation, dryRun: false));
                    return;
                }

                var progress = new ProgressRecord(1, $"Backfilling embeddings of {target}", "Starting");
                long embedded = 0;
                long failed = 0;
                try
                {
                    Stream((connection, token) => connection.BackfillMemoryEmbeddingsAsync(Scope, ScopeId, Limit, Prefix, Tenant, token), result =>
                    {
                        embedded += result.Embedded ?? 0;
                        failed += result.Failed ?? 0;
                        WriteObject(result);
                        int left = result.Candidates is int c ? c - (result.Embedded ?? 0) - (result.Failed ?? 0) : 0;
                        progress.StatusDescription = $"Call {result.Batch}: {embedded} embedded, {failed} failed{(result.More == true ? ", more to do" : string.Empty)}";
                        progress.PercentComplete = result.More == true && embedded + left > 0 ? (int)(100 * embedded / (embedded + left + 1)) : 100;
                        WriteProgress(progress);
                    });
                }
                finally
                {
                    progress.RecordType = ProgressRecordType.Completed;
                    WriteProgress(progress);
                }
            });
        }

        private MemoryEmbeddingResult Call(string operation, bool dryRun) =>
            InvokeEngine((connection, token) => connection.MaintainMemoryEmbeddingsAsync(operation, Scope, ScopeId, dryRun, Limit, Prefix, Tenant, token));
    }
}
