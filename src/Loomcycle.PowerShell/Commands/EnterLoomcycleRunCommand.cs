using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Threading.Tasks;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Holds a conversation with an interactive run in the console.</summary>
    /// <remarks>
    /// Like Enter-PSSession for an agent: starts an interactive run of -Agent (or re-attaches to -RunId), writes the
    /// reply to the host as prose while it is written, then reads your next line from the host and sends it
    /// (POST /v1/runs/{run_id}/input), turn after turn. Type exit (or end the input) to leave: the run stays parked and
    /// you can come back with Enter-LoomcycleRun -RunId. Lines piped in are sent first, one per turn, before the host
    /// is asked (a scripted conversation). Errors of one turn (a full input queue …) are reported and the conversation
    /// goes on; the command ends when the run ends. Outputs nothing.
    /// </remarks>
    /// <example>
    /// <code>Enter-LoomcycleRun -Agent helper</code>
    /// <para>Asks for the first message, then converses until you type exit.</para>
    /// </example>
    /// <example>
    /// <code>Enter-LoomcycleRun -RunId r_01HZX3</code>
    /// <para>Comes back to a parked run: shows the conversation so far and waits for your next line.</para>
    /// </example>
    /// <example>
    /// <code>'summarise', 'now in French', 'exit' | Enter-LoomcycleRun -Agent helper -Prompt (Get-Content notes.md -Raw)</code>
    /// <para>A scripted conversation of three turns.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Enter, "LoomcycleRun", DefaultParameterSetName = AgentSet)]
    [OutputType(typeof(void))]
    public sealed class EnterLoomcycleRunCommand : LoomcycleCmdlet
    {
        private const string AgentSet = "Agent";
        private const string RunIdSet = "RunId";
        private const string ExitWord = "exit";

        private readonly Queue<string> _lines = new Queue<string>();

        // Lines came from the pipeline: a scripted conversation, which ends with them rather than asking the host.
        private bool _linesPiped;

        /// <summary>The agent definition to start an interactive run of.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = AgentSet)]
        [ValidateNotNullOrEmpty]
        public string Agent { get; set; } = string.Empty;

        /// <summary>The first message (otherwise the first line read).</summary>
        [Parameter(Position = 1, ParameterSetName = AgentSet)]
        [ValidateNotNullOrEmpty]
        public string? Prompt { get; set; }

        /// <summary>The user the run belongs to.</summary>
        [Parameter(ParameterSetName = AgentSet)]
        [ValidateNotNullOrEmpty]
        public string? UserId { get; set; }

        /// <summary>An interactive run to re-attach to (r_…).</summary>
        [Parameter(Mandatory = true, ParameterSetName = RunIdSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RunIdCompleter))]
        public string RunId { get; set; } = string.Empty;

        /// <summary>Lines to send, one per turn, before the host is asked. An object piped in for its RunId (a RunResult, an Agent) is not a line.</summary>
        [Parameter(ValueFromPipeline = true)]
        [AllowEmptyString]
        public object? InputLine { get; set; }

        protected override void ProcessRecord()
        {
            object? value = InputLine is PSObject wrapped ? wrapped.BaseObject : InputLine;
            if (value is null || (value is not string && ParameterSetName == RunIdSet))
            {
                // A [string] parameter would take the piped run's text (RunResult.ToString()) and send it back as a line.
                return;
            }

            _lines.Enqueue(value as string ?? LanguagePrimitives.ConvertTo<string>(value));
            _linesPiped = true;
        }

        protected override void EndProcessing()
        {
            var prose = new ProseWriter(this);
            string? runId = ParameterSetName == RunIdSet ? RunId : null;
            string? sessionId = null;
            string? agentId = null;
            bool parked = false;
            void Show(RunEvent ev)
            {
                if (ev.Type == "agent")
                {
                    runId ??= ev.RunId;
                    sessionId ??= ev.SessionId;
                    agentId ??= ev.AgentId;
                }
                else if (ev.Type == "session")
                {
                    sessionId ??= ev.SessionId;
                }

                // Parked only if the last event says so: a replay of a run that parked and then went on (and ended) holds
                // earlier awaiting_input events. A compaction of a parked run leaves it parked (no new awaiting_input).
                if (ev.Type != "context_compaction")
                {
                    parked = ev.Type == "awaiting_input";
                }

                if (ev.Type != "steer")
                {
                    prose.Write(ev);
                }
            }

            try
            {
                if (ParameterSetName == AgentSet)
                {
                    string? first = Prompt;
                    while (first is null || first.Trim().Length == 0)
                    {
                        first = NextLine(); // blank lines are skipped, as between turns
                        if (first is null)
                        {
                            return;
                        }
                    }

                    var request = new RunRequest { Agent = Agent, Prompt = first, UserId = UserId, Interactive = true };
                    Stream((connection, token) => UntilParked(connection.StreamRunAsync(request, token)), Show);
                }
                else
                {
                    Stream((connection, token) => connection.ReceiveRunAsync(RunId, 0, token), Show);
                    if (parked && agentId is not null)
                    {
                        // A run stopped while it was parked has a history that ends at awaiting_input too: ask the run.
                        string id = agentId;
                        string status = InvokeEngine((connection, token) => connection.GetAgentAsync(id, token)).Status;
                        parked = status != "completed" && status != "failed" && status != "cancelled";
                    }
                }

                prose.EndLine();
                while (parked && runId is not null && sessionId is not null)
                {
                    string currentRun = runId, currentSession = sessionId;
                    long last = InvokeEngine((connection, token) => connection.GetLastRunSequenceAsync(currentSession, currentRun, token));
                    string? line = NextLine();
                    if (line is null)
                    {
                        WriteVerbose($"Left the conversation; the run {currentRun} stays parked (Enter-LoomcycleRun -RunId {currentRun} comes back).");
                        return;
                    }

                    if (line.Trim().Length == 0)
                    {
                        continue;
                    }

                    try
                    {
                        InvokeEngine((connection, token) => connection.SendRunInputAsync(currentRun, line, token));
                    }
                    catch (NotFoundException ex)
                    {
                        // "no in-flight run": it ended meanwhile (stopped from elsewhere); there is no one left to talk to.
                        WriteError(LoomcycleErrors.From(ex, currentRun));
                        parked = false;
                        break;
                    }
                    catch (LoomcycleException ex)
                    {
                        WriteError(LoomcycleErrors.From(ex, currentRun)); // a full input queue …: this turn's error, the conversation goes on
                        continue;
                    }

                    parked = false;
                    Stream((connection, token) => connection.ReceiveNextTurnAsync(currentRun, last, token), Show);
                    prose.EndLine();
                }

                if (!parked)
                {
                    WriteVerbose($"The run {runId} has ended.");
                }
            }
            catch (LoomcycleException ex)
            {
                prose.EndLine();
                WriteError(LoomcycleErrors.From(ex, (object?)runId ?? Agent));
            }
        }

        private static async IAsyncEnumerable<RunEvent> UntilParked(IAsyncEnumerable<RunEvent> events)
        {
            await foreach (RunEvent ev in System.Threading.Tasks.TaskAsyncEnumerableExtensions.ConfigureAwait(events, false))
            {
                yield return ev;
                if (ev.Type == "awaiting_input")
                {
                    yield break;
                }
            }
        }

        /// <summary>The next line: piped lines first, then the host; null means leave (exit, end of input, no host to ask).</summary>
        private string? NextLine()
        {
            string? line;
            if (_lines.Count > 0)
            {
                line = _lines.Dequeue();
            }
            else if (_linesPiped || Host?.UI is null)
            {
                return null;
            }
            else
            {
                try
                {
                    Host.UI.Write("you> ");
                    line = Host.UI.ReadLine();
                }
                catch (Exception ex) when (ex is PSNotImplementedException || ex is NotImplementedException || ex is HostException)
                {
                    return null;
                }
            }

            return line is null || string.Equals(line.Trim(), ExitWord, StringComparison.OrdinalIgnoreCase) ? null : line;
        }
    }
}
