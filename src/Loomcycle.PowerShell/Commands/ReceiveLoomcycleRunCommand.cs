using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Re-attaches to a run and writes its events.</summary>
    /// <remarks>
    /// Calls GET /v1/runs/{run_id}/stream?from_seq=N: the run's stored events after sequence N are replayed (operator
    /// turns come back as steer events), then new ones follow as they happen. Ends when the run ends, or, for an
    /// interactive run, once it is parked at awaiting_input again (a parked run's stream never ends by itself), or on
    /// -TimeoutSec, Ctrl+C or a downstream Select-Object -First. Frames carry no sequence numbers: take N from
    /// Get-LoomcycleTranscript (Events.Seq). With -Prose the reply is written to the host as it streams.
    /// Errors: no such run (404), no persistence on the server (503).
    /// </remarks>
    /// <example>
    /// <code>Receive-LoomcycleRun -RunId r_01HZX3 -Prose</code>
    /// <para>Shows the conversation so far and returns when the run waits for input.</para>
    /// </example>
    /// <example>
    /// <code>$seq = (Get-LoomcycleTranscript s_01HZX2).Events[-1].Seq; Send-LoomcycleInput r_01HZX3 'go on'; Receive-LoomcycleRun r_01HZX3 -FromSequence $seq</code>
    /// <para>Writes only the events that follow the input.</para>
    /// </example>
    [Cmdlet(VerbsCommunications.Receive, "LoomcycleRun")]
    [OutputType(typeof(RunEvent))]
    public sealed class ReceiveLoomcycleRunCommand : LoomcycleCmdlet
    {
        /// <summary>The run (r_…).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RunIdCompleter))]
        public string RunId { get; set; } = string.Empty;

        /// <summary>Replays only events after this transcript sequence number (0: from the start).</summary>
        [Parameter]
        [ValidateRange(0, long.MaxValue)]
        public long FromSequence { get; set; }

        /// <summary>Writes the reply to the host as prose instead of writing events.</summary>
        [Parameter]
        public SwitchParameter Prose { get; set; }

        /// <summary>Stops after this many seconds (quietly: no error).</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? TimeoutSec { get; set; }

        protected override void ProcessRecord()
        {
            var prose = new ProseWriter(this);
            try
            {
                Stream(
                    (connection, token) => LiveStreams.Until(t => connection.ReceiveRunAsync(RunId, FromSequence, t), TimeoutSec, token),
                    ev =>
                    {
                        if (Prose)
                        {
                            prose.Write(ev);
                        }
                        else
                        {
                            WriteObject(ev);
                        }
                    });
            }
            catch (LoomcycleException ex)
            {
                prose.EndLine();
                WriteError(LoomcycleErrors.From(ex, RunId));
                return;
            }

            prose.EndLine();
        }
    }
}
