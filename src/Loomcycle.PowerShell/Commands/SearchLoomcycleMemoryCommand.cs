using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Searches memory by meaning: facts, notes and document chunks.</summary>
    /// <remarks>
    /// Calls POST /v1/_memory/search and writes one MemorySearchHit per result, best first: Key, Score, RankScore,
    /// Kind (fact, note or document), Value (exact JSON) and ValueObject. -Top caps the hits (1 to 50; the server's
    /// default is 10); -Source narrows to facts, notes or documents. The server needs an embedder for this; without
    /// one the error is Unavailable.
    /// </remarks>
    /// <example>
    /// <code>Search-LoomcycleMemory 'refund policy' -Scope tenant -Top 5</code>
    /// <para>The five tenant entries closest in meaning to "refund policy".</para>
    /// </example>
    /// <example>
    /// <code>Search-LoomcycleMemory 'deploy steps' -Scope user -ScopeId u1 -Source documents</code>
    /// <para>Searches only the document chunks of user u1.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Search, "LoomcycleMemory")]
    [OutputType(typeof(MemorySearchHit))]
    public sealed class SearchLoomcycleMemoryCommand : LoomcycleCmdlet
    {
        /// <summary>What to look for, in words.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Query { get; set; } = string.Empty;

        /// <summary>The scope: agent, user or tenant.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateSet("agent", "user", "tenant")]
        [LowerCase]
        public string Scope { get; set; } = string.Empty;

        /// <summary>The id within the scope; required except for tenant.</summary>
        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(MemoryScopeIdCompleter))]
        public string? ScopeId { get; set; }

        /// <summary>At most this many hits (1 to 50; the server's default is 10).</summary>
        [Parameter]
        [ValidateRange(1, 50)]
        public int? Top { get; set; }

        /// <summary>Searches only these kinds: facts, notes, documents.</summary>
        [Parameter]
        [ValidateSet("facts", "notes", "documents")]
        [LowerCase]
        public string[]? Source { get; set; }

        protected override void ProcessRecord()
        {
            string target = string.IsNullOrEmpty(ScopeId) ? Scope : ScopeId!;
            TryRun(target, () =>
            {
                MemorySearchResult result = InvokeEngine((connection, token) => connection.SearchMemoryAsync(Query, Scope, ScopeId, Top, Source, token));
                foreach (MemorySearchHit hit in result.Hits)
                {
                    WriteObject(hit);
                }

                if (result.Truncated)
                {
                    WriteWarning($"The server had more hits than the {result.Hits.Length} shown; raise -Top (at most 50) or narrow the query.");
                }
            });
        }
    }
}
