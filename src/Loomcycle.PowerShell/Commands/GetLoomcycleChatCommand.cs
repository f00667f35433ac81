using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets past chats (sessions): titles, flags, run counts and token totals.</summary>
    /// <remarks>
    /// Calls POST /v1/_history with op list (or op search with -Search, which matches titles) and writes one Chat per
    /// session, reading further pages as the pipeline asks for them. -Scope is self, user, tenant or global (the server
    /// caps it by the token: global needs admin). -Pinned lists pinned chats only; archived chats appear only with
    /// -IncludeArchived. -SessionId gets one chat.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleChat -Scope tenant | Sort-Object Cost -Descending | Select-Object -First 10</code>
    /// <para>The ten most expensive chats of the tenant.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleChat -Search invoice</code>
    /// <para>Chats whose title contains "invoice".</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleChat -Scope tenant | Where-Object LastActivity -lt (Get-Date).AddDays(-90) | Set-LoomcycleChat -Archived $true</code>
    /// <para>Archives chats idle for three months.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleChat", DefaultParameterSetName = ListSet)]
    [OutputType(typeof(Chat))]
    public sealed class GetLoomcycleChatCommand : LoomcycleCmdlet
    {
        private const string ListSet = "List";
        private const string ByIdSet = "ById";

        /// <summary>Gets this chat.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ByIdSet)]
        [ValidateNotNullOrEmpty]
        public string SessionId { get; set; } = string.Empty;

        /// <summary>Lists only chats whose title contains this text.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateNotNullOrEmpty]
        public string? Search { get; set; }

        /// <summary>self, user, tenant or global (admin).</summary>
        [Parameter]
        [ValidateSet("self", "user", "tenant", "global")]
        [LowerCase]
        public string? Scope { get; set; }

        /// <summary>Lists pinned chats only.</summary>
        [Parameter(ParameterSetName = ListSet)]
        public SwitchParameter Pinned { get; set; }

        /// <summary>Lists archived chats too.</summary>
        [Parameter(ParameterSetName = ListSet)]
        public SwitchParameter IncludeArchived { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == ByIdSet)
            {
                TryRun(SessionId, () => WriteObject(InvokeEngine((connection, token) => connection.GetChatAsync(SessionId, Scope, token))));
                return;
            }

            TryRun(Scope, () => Stream((connection, token) => connection.ListChatsAsync(Scope, Search, Pinned, IncludeArchived, token), chat => WriteObject(chat)));
        }
    }
}
