using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Copies a session's conversation into a new session bound to another agent.</summary>
    /// <remarks>
    /// Calls POST /v1/sessions/{id}/replay: the transcript is copied into a new session for -Agent (optionally
    /// summarised first with -Compress, one model call). Continue the new session with Send-LoomcycleMessage
    /// -SessionId $result.NewSessionId. Errors: no such session (SessionNotFound, 404), the agent does not exist
    /// (AgentGone, 409), the session has no events (EmptySource, 400), no persistence (503), the summary failed (502).
    /// </remarks>
    /// <example>
    /// <code>$copy = Copy-LoomcycleSession -SessionId s_01HZX2 -Agent senior-reviewer; Send-LoomcycleMessage -SessionId $copy.NewSessionId -Prompt 'Take it from here'</code>
    /// <para>Hands a conversation to another agent and continues it there.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Copy, "LoomcycleSession", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(SessionReplayResult))]
    public sealed class CopyLoomcycleSessionCommand : LoomcycleCmdlet
    {
        /// <summary>The session to copy.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string SessionId { get; set; } = string.Empty;

        /// <summary>The agent the new session is bound to.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Agent { get; set; } = string.Empty;

        /// <summary>Summarises the conversation first (one model call).</summary>
        [Parameter]
        public SwitchParameter Compress { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(SessionId, $"Copy into a new session for agent '{Agent}'"))
            {
                return;
            }

            TryRun(SessionId, () => WriteObject(InvokeEngine((connection, token) => connection.ReplaySessionAsync(SessionId, Agent, Compress, token))));
        }
    }
}
