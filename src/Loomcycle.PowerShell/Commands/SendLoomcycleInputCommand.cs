using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Sends the next message to an interactive run.</summary>
    /// <remarks>
    /// Calls POST /v1/runs/{run_id}/input. The run takes the text as the operator's next turn (it shows up on the
    /// run's stream as a steer event) and works on it; read the reply with Receive-LoomcycleRun, which returns once
    /// the run is parked again. Writes nothing unless -PassThru is given. Errors: blank text (refused before sending),
    /// no such in-flight run (404), a full input queue (429; retried after the server's Retry-After of 1 s),
    /// steering not enabled (503). RunId binds from Invoke-LoomcycleRun results and events.
    /// </remarks>
    /// <example>
    /// <code>$r = Invoke-LoomcycleRun -Agent helper -Prompt 'Plan the migration' -Interactive -AsResult; Send-LoomcycleInput -RunId $r.RunId -Text 'Use PostgreSQL 16'; Receive-LoomcycleRun -RunId $r.RunId -Prose</code>
    /// <para>Starts a conversation, answers the run, and shows its reply.</para>
    /// </example>
    [Cmdlet(VerbsCommunications.Send, "LoomcycleInput", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(RunInputResult))]
    public sealed class SendLoomcycleInputCommand : LoomcycleCmdlet
    {
        /// <summary>The interactive run (r_…).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RunIdCompleter))]
        public string RunId { get; set; } = string.Empty;

        /// <summary>The message.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [AllowEmptyString]
        public string Text { get; set; } = string.Empty;

        /// <summary>Writes the server's answer (RunId, Delivered).</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(RunId, "Send input"))
            {
                return;
            }

            TryRun(RunId, () =>
            {
                RunInputResult result = InvokeEngine((connection, token) => connection.SendRunInputAsync(RunId, Text, token));
                if (!result.Delivered)
                {
                    WriteWarning($"The run {RunId} did not take the input.");
                }

                if (PassThru)
                {
                    WriteObject(result);
                }
            });
        }
    }
}
