using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Follows changes to document chunks as they happen.</summary>
    /// <remarks>
    /// Reads GET /v1/_document/changes (server-sent events) and writes one MemoryChange per change as it arrives:
    /// Seq, Type (document.chunk.updated or document.chunk.deleted, as the server wrote it), Scope, ScopeId, ChunkId
    /// and At. Resume with -Since and the last change's Seq. Runs until Ctrl+C, a downstream Select-Object -First, or
    /// -TimeoutSec.
    /// </remarks>
    /// <example>
    /// <code>Watch-LoomcycleDocument -TimeoutSec 300 | Group-Object Type</code>
    /// <para>Counts five minutes of document changes by type.</para>
    /// </example>
    /// <example>
    /// <code>Watch-LoomcycleDocument -Since 1200 | Select-Object -First 10</code>
    /// <para>The next ten document changes after seq 1200.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Watch, "LoomcycleDocument")]
    [OutputType(typeof(MemoryChange))]
    public sealed class WatchLoomcycleDocumentCommand : WatchChangeFeedCommand
    {
        protected override string Feed => "document";
    }
}
