using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Sets a chat's title.</summary>
    /// <remarks>
    /// Calls POST /v1/_history with op rename. A chat outside the scope (or unknown) is NotFound. Writes nothing unless
    /// -PassThru.
    /// </remarks>
    /// <example>
    /// <code>Rename-LoomcycleChat s_01HZX3 'Quarterly report draft'</code>
    /// <para>Renames one chat.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleChat -Search untitled | Rename-LoomcycleChat -Title 'Needs a title' -PassThru</code>
    /// <para>Renames every match and shows the result.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Rename, "LoomcycleChat", SupportsShouldProcess = true)]
    [OutputType(typeof(Chat))]
    public sealed class RenameLoomcycleChatCommand : LoomcycleCmdlet
    {
        /// <summary>The chat (session) to rename.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string SessionId { get; set; } = string.Empty;

        /// <summary>The new title.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [Alias("NewName")]
        [AllowEmptyString]
        public string Title { get; set; } = string.Empty;

        /// <summary>self, user, tenant or global (admin).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("self", "user", "tenant", "global")]
        [LowerCase]
        public string? Scope { get; set; }

        /// <summary>Writes the chat after the change.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(SessionId, $"Rename chat to '{Title}'"))
            {
                return;
            }

            TryRun(SessionId, () =>
            {
                Chat chat = InvokeEngine((connection, token) => connection.RenameChatAsync(SessionId, Title, Scope, token));
                if (PassThru)
                {
                    WriteObject(chat);
                }
            });
        }
    }
}
