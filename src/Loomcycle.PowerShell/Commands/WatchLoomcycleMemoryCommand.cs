using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Follows changes to memory as they happen.</summary>
    /// <remarks>
    /// Reads GET /v1/_memory/changes (server-sent events) and writes one MemoryChange per change as it arrives: Seq,
    /// Type (memory.set, memory.delete or memory.scope_deleted, as the server wrote it), Scope, ScopeId, Key and At.
    /// Changes carry no values: read the current value with Get-LoomcycleMemory. To resume after a stop, pass the
    /// last change's Seq to -Since. Runs until Ctrl+C, a downstream Select-Object -First, or -TimeoutSec. When the
    /// server does not capture changes (LOOMCYCLE_MEMORY_CHANGES_ENABLED unset) a warning says so.
    /// </remarks>
    /// <example>
    /// <code>Watch-LoomcycleMemory | Where-Object Type -eq memory.set | ForEach-Object { Get-LoomcycleMemory $_.Scope $_.ScopeId -Key $_.Key }</code>
    /// <para>Reads each changed entry's new value as it changes.</para>
    /// </example>
    /// <example>
    /// <code>$last = Watch-LoomcycleMemory -Since $seq -TimeoutSec 60 | ForEach-Object { Sync-Cache $_; $_ } | Select-Object -Last 1; $seq = $last.Seq</code>
    /// <para>A sync job: handles a minute of changes and keeps the resume point for the next run.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Watch, "LoomcycleMemory")]
    [OutputType(typeof(MemoryChange))]
    public sealed class WatchLoomcycleMemoryCommand : WatchChangeFeedCommand
    {
        protected override string Feed => "memory";
    }
}
