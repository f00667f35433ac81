using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets memory entries of one scope id, or one entry by key.</summary>
    /// <remarks>
    /// Without -Key, calls GET /v1/_memory/scopes/{scope}/{scope_id}/keys (-Prefix narrows to keys that
    /// start with it, -Limit caps the count at 1 to 1000; the server's default is 200) and warns when the
    /// server says there were more. With -Key, gets that one entry. Value holds the entry's exact JSON;
    /// ValueObject reads it as PowerShell objects.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleMemory -Scope user -ScopeId u1 -Prefix prefs/</code>
    /// <para>Lists user u1's entries under prefs/.</para>
    /// </example>
    /// <example>
    /// <code>(Get-LoomcycleMemory user u1 -Key prefs/theme).ValueObject</code>
    /// <para>Reads one entry's value as an object.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleMemory", DefaultParameterSetName = ListSet)]
    [OutputType(typeof(MemoryEntry))]
    public sealed class GetLoomcycleMemoryCommand : LoomcycleCmdlet
    {
        private const string ListSet = "List";
        private const string ByKeySet = "ByKey";

        /// <summary>The scope: agent, user or tenant.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateSet("agent", "user", "tenant")]
        [LowerCase]
        public string Scope { get; set; } = string.Empty;

        /// <summary>The id within the scope (an agent name, a user id, a tenant id).</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(MemoryScopeIdCompleter))]
        public string ScopeId { get; set; } = string.Empty;

        /// <summary>Lists only keys that start with this text.</summary>
        [Parameter(ParameterSetName = ListSet)]
        public string? Prefix { get; set; }

        /// <summary>Lists at most this many entries (1 to 1000; the server's default is 200).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateRange(1, 1000)]
        public int? Limit { get; set; }

        /// <summary>Gets the entry with this key (keys may contain '/').</summary>
        [Parameter(ParameterSetName = ByKeySet, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Key { get; set; } = string.Empty;

        protected override void ProcessRecord()
        {
            if (ParameterSetName == ByKeySet)
            {
                TryRun(Key, () => WriteObject(InvokeEngine((connection, token) => connection.GetMemoryEntryAsync(Scope, ScopeId, Key, token))));
                return;
            }

            TryRun(ScopeId, () =>
            {
                MemoryEntryList page = InvokeEngine((connection, token) => connection.ListMemoryEntriesAsync(Scope, ScopeId, Prefix, Limit, token));
                foreach (MemoryEntry entry in page.Entries)
                {
                    WriteObject(entry);
                }

                if (page.Truncated)
                {
                    WriteWarning($"{Scope}/{ScopeId} has more than the {page.Entries.Length} entries shown; use -Prefix or a higher -Limit (at most 1000).");
                }
            });
        }
    }
}
