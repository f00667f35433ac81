using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Continues a session with a new message and streams the new run's events.</summary>
    /// <remarks>
    /// Calls POST /v1/sessions/{id}/messages. The server replays the session's transcript into the model's
    /// context and streams only the new run's events, which this cmdlet writes exactly like
    /// Invoke-LoomcycleRun (events, -Prose or -AsResult). -SessionId binds from the pipeline by property
    /// name, so a RunResult or a run's session event can be piped in. The user and tenant are the session's.
    /// </remarks>
    /// <example>
    /// <code>$r = Invoke-LoomcycleRun qa 'Draft a reply' -AsResult; $r | Send-LoomcycleMessage -Prompt 'Shorter, please' -Prose</code>
    /// <para>Continues the conversation the first run started.</para>
    /// </example>
    /// <example>
    /// <code>Send-LoomcycleMessage -SessionId s_0123456789abcdef 'And the tests?' -AsResult</code>
    /// <para>Sends a follow-up to a known session and waits for the whole answer.</para>
    /// </example>
    [Cmdlet(VerbsCommunications.Send, "LoomcycleMessage", DefaultParameterSetName = EventsSet)]
    [OutputType(typeof(RunEvent), ParameterSetName = new[] { EventsSet })]
    [OutputType(typeof(RunResult), ParameterSetName = new[] { ProseSet, ResultSet })]
    public sealed class SendLoomcycleMessageCommand : RunCommandBase
    {
        /// <summary>The session to continue. Binds from the pipeline by property name.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string SessionId { get; set; } = string.Empty;

        /// <summary>The new message.</summary>
        [Parameter(Position = 1)]
        public override string? Prompt { get; set; }

        protected override string Subject => SessionId;

        protected override Task<RunStream> StartAsync(LoomcycleConnection connection, CancellationToken token)
        {
            var request = new ContinueRequest { SessionId = SessionId };
            FillInput(request);
            return connection.StartContinueAsync(request, token);
        }
    }
}
