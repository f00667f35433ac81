using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Runs an agent and streams its events to the pipeline as they arrive.</summary>
    /// <remarks>
    /// Starts a run (POST /v1/runs) and writes each server-sent event as a Loomcycle.RunEvent object the
    /// moment it arrives: session, agent, started, text deltas, tool_call, usage, tool_result, done, and any
    /// event type a newer server adds. With -Prose the reply is written to the host as prose while it
    /// streams and one RunResult is output at the end; with -AsResult only the RunResult is output.
    /// A run that fails (error events, or a stream that ends without done) writes an error record, so
    /// -ErrorAction Stop stops the script and $? is false. HTTP errors (unknown agent, 401, 429 …) are
    /// reported before any event. Stopping the pipeline (Ctrl+C, Select-Object -First) closes the stream,
    /// and the server then cancels the run. With -Interactive the run is a conversation: the command returns when the
    /// run parks at awaiting_input (the RunResult's Parked is true), and the run waits for Send-LoomcycleInput.
    /// </remarks>
    /// <example>
    /// <code>Invoke-LoomcycleRun -Agent qa -Prompt 'Summarise the release notes' -Prose</code>
    /// <para>Shows the answer as it is written, then the run's summary.</para>
    /// </example>
    /// <example>
    /// <code>Invoke-LoomcycleRun qa 'What changed?' | Where-Object Type -eq 'tool_call'</code>
    /// <para>Streams the events and keeps only the tool calls.</para>
    /// </example>
    /// <example>
    /// <code>$r = Invoke-LoomcycleRun -Agent qa -Prompt 'hi' -AsResult -ErrorAction Stop; $r.Text</code>
    /// <para>Waits for the run and keeps one result object; a failed run stops the script.</para>
    /// </example>
    /// <example>
    /// <code>Invoke-LoomcycleRun -Agent researcher -Prompt $q -AllowedHost @() -Tool @('Read', 'Grep*')</code>
    /// <para>Denies every network call and narrows the tools for this run.</para>
    /// </example>
    /// <example>
    /// <code>$r = Invoke-LoomcycleRun -Agent helper -Prompt 'Draft the plan' -Interactive -Prose; Send-LoomcycleInput $r.RunId 'shorter, please'; Receive-LoomcycleRun $r.RunId -Prose</code>
    /// <para>Starts a conversation, shows the first answer, replies, and shows the next answer.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Invoke, "LoomcycleRun", DefaultParameterSetName = EventsSet)]
    [OutputType(typeof(RunEvent), ParameterSetName = new[] { EventsSet })]
    [OutputType(typeof(RunResult), ParameterSetName = new[] { ProseSet, ResultSet })]
    public sealed class InvokeLoomcycleRunCommand : RunCommandBase
    {
        /// <summary>The agent definition to run.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Agent { get; set; } = string.Empty;

        /// <summary>The user's message. Accepts pipeline input: each piped string starts its own run.</summary>
        [Parameter(Position = 1, ValueFromPipeline = true)]
        public override string? Prompt { get; set; }

        /// <summary>Appends the run to an existing session (the server does not replay its transcript; use Send-LoomcycleMessage for that).</summary>
        [Parameter]
        public string? SessionId { get; set; }

        /// <summary>The tenant to run under (a token with its own tenant overrides it).</summary>
        [Parameter]
        public string? TenantId { get; set; }

        /// <summary>The user the run belongs to (letters, digits, '_' and '-').</summary>
        [Parameter]
        public string? UserId { get; set; }

        /// <summary>Starts an interactive run: it parks at awaiting_input after each turn instead of ending, and this command returns then (the run lives on; talk to it with Send-LoomcycleInput and Receive-LoomcycleRun, or Enter-LoomcycleRun).</summary>
        [Parameter]
        public SwitchParameter Interactive { get; set; }

        protected override string Subject => Agent;

        protected override void ProcessRecord()
        {
            if (Prompt is null && SystemPrompt is null && (Segment is null || Segment.Length == 0))
            {
                ThrowTerminatingError(LoomcycleErrors.From(
                    new InvalidArgumentException("Give the run some input: -Prompt, -SystemPrompt or -Segment."), Agent));
            }

            base.ProcessRecord();
        }

        protected override bool EndsRead(RunEvent ev) => Interactive && ev.Type == "awaiting_input";

        protected override Task<RunStream> StartAsync(LoomcycleConnection connection, CancellationToken token)
        {
            var request = new RunRequest { Agent = Agent, SessionId = SessionId, TenantId = TenantId, UserId = UserId, Interactive = Interactive };
            FillInput(request);
            return connection.StartRunAsync(request, token);
        }
    }
}
