using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets embedding statistics of a memory scope: rows per embedding model and the bytes they take.</summary>
    /// <remarks>
    /// Calls GET /v1/_memory/embed_stats?scope=. Use it before Update-LoomcycleMemoryEmbedding to see whether rows
    /// were embedded by an older model. -Tenant narrows to one tenant (admin tokens).
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleMemoryEmbedding -Scope user</code>
    /// <para>Which models embedded user memory, and how many rows each.</para>
    /// </example>
    /// <example>
    /// <code>(Get-LoomcycleMemoryEmbedding tenant).Models | Format-Table Provider, Model, Dimension, RowCount</code>
    /// <para>The models as a table.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleMemoryEmbedding")]
    [OutputType(typeof(MemoryEmbeddingStats))]
    public sealed class GetLoomcycleMemoryEmbeddingCommand : LoomcycleCmdlet
    {
        /// <summary>The scope: agent, user or tenant.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateSet("agent", "user", "tenant")]
        [LowerCase]
        public string Scope { get; set; } = string.Empty;

        /// <summary>The tenant to report on (admin tokens; others see their own tenant).</summary>
        [Parameter]
        public string? Tenant { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(Scope, () => WriteObject(InvokeEngine((connection, token) => connection.GetMemoryEmbeddingStatsAsync(Scope, Tenant, token))));
        }
    }
}
