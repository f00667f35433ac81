using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Answers a pending interrupt so the waiting agent can go on.</summary>
    /// <remarks>
    /// Calls POST /v1/runs/{run}/interrupts/{id}/resolve. An interrupt that declared options accepts only one
    /// of them. -Decline declines the question instead (the agent goes on without an answer). Errors: an answer the interrupt does not accept (422), an interrupt already answered (409) or
    /// expired (410), or an unknown one (404). RunId and InterruptId bind from Get-LoomcycleInterrupt output.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleInterrupt -UserId u1 | Resolve-LoomcycleInterrupt -Answer yes</code>
    /// <para>Answers every pending question of user u1 with "yes".</para>
    /// </example>
    /// <example>
    /// <code>Resolve-LoomcycleInterrupt -RunId r_01HZX3 -InterruptId int_01HZX4 -Answer 'use the staging database' -ResolvedBy ops</code>
    /// <para>Answers one question and records who answered it.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleInterrupt -UserId u1 | Resolve-LoomcycleInterrupt -Decline</code>
    /// <para>Declines every pending question of user u1 (disposition declined, no answer): the agents go on without one.</para>
    /// </example>
    [Cmdlet(VerbsDiagnostic.Resolve, "LoomcycleInterrupt", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = AnswerSet)]
    [OutputType(typeof(InterruptResolution))]
    public sealed class ResolveLoomcycleInterruptCommand : LoomcycleCmdlet
    {
        private const string AnswerSet = "Answer";
        private const string DeclineSet = "Decline";

        /// <summary>The run the interrupt belongs to.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string RunId { get; set; } = string.Empty;

        /// <summary>The interrupt to answer.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string InterruptId { get; set; } = string.Empty;

        /// <summary>The answer (one of the interrupt's options when it declared any).</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = AnswerSet)]
        [AllowEmptyString]
        public string Answer { get; set; } = string.Empty;

        /// <summary>Declines the question instead of answering it (sent as disposition "declined" with no answer; the status becomes declined).</summary>
        [Parameter(Mandatory = true, ParameterSetName = DeclineSet)]
        public SwitchParameter Decline { get; set; }

        /// <summary>Who answered, recorded with the interrupt.</summary>
        [Parameter]
        public string? ResolvedBy { get; set; }

        protected override void ProcessRecord()
        {
            if (Decline)
            {
                if (ShouldProcess(InterruptId, $"Decline (run {RunId})"))
                {
                    TryRun(InterruptId, () => WriteObject(InvokeEngine((connection, token) => connection.DeclineInterruptAsync(RunId, InterruptId, ResolvedBy, token))));
                }

                return;
            }

            if (!ShouldProcess(InterruptId, $"Answer '{Answer}' (run {RunId})"))
            {
                return;
            }

            TryRun(InterruptId, () => WriteObject(
                InvokeEngine((connection, token) => connection.ResolveInterruptAsync(RunId, InterruptId, Answer, ResolvedBy, token))));
        }
    }
}
