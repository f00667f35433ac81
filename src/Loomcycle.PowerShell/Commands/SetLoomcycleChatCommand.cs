using System.Linq;
using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Pins or unpins, archives or restores chats.</summary>
    /// <remarks>
    /// Calls POST /v1/_history with op pin (-Pinned) and op archive (-Archived). Give at least one. Chats from
    /// Get-LoomcycleChat pipe in by SessionId. Writes nothing unless -PassThru.
    /// </remarks>
    /// <example>
    /// <code>Set-LoomcycleChat s_01HZX3 -Pinned $true</code>
    /// <para>Pins a chat.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleChat -Scope tenant | Where-Object LastActivity -lt (Get-Date).AddDays(-90) | Set-LoomcycleChat -Archived $true -Pinned $false</code>
    /// <para>Archives and unpins chats idle for three months.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Set, "LoomcycleChat", SupportsShouldProcess = true)]
    [OutputType(typeof(Chat))]
    public sealed class SetLoomcycleChatCommand : LoomcycleCmdlet
    {
        /// <summary>The chat (session) to change.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string SessionId { get; set; } = string.Empty;

        /// <summary>$true pins the chat, $false unpins it.</summary>
        [Parameter]
        public bool? Pinned { get; set; }

        /// <summary>$true archives the chat, $false restores it.</summary>
        [Parameter]
        public bool? Archived { get; set; }

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
            if (Pinned is null && Archived is null)
            {
                WriteError(LoomcycleErrors.From(new InvalidArgumentException("Nothing to change: give -Pinned or -Archived."), SessionId));
                return;
            }

            string change = string.Join(", ", new[] { Pinned is bool p ? (p ? "pin" : "unpin") : null, Archived is bool a ? (a ? "archive" : "restore") : null }.Where(x => x is not null));
            if (!ShouldProcess(SessionId, $"Chat: {change}"))
            {
                return;
            }

            TryRun(SessionId, () =>
            {
                Chat? chat = null;
                if (Pinned is bool pinned)
                {
                    chat = InvokeEngine((connection, token) => connection.SetChatFlagAsync(SessionId, "pinned", pinned, Scope, token));
                }

                if (Archived is bool archived)
                {
                    chat = InvokeEngine((connection, token) => connection.SetChatFlagAsync(SessionId, "archived", archived, Scope, token));
                }

                if (PassThru && chat is not null)
                {
                    WriteObject(chat);
                }
            });
        }
    }
}
