using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Answers a pending interrupt so the waiting agent can go on.</summary>
    /// <remarks>
    /// Calls POST /v1/runs/{run}/interrupts/{id}/resolve. An interrupt that declared options accepts only one
    /// of them. Errors: an answer the interrupt does not accept (422), an interrupt already answered (409) or
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
    [Cmdlet(VerbsDiagnostic.Resolve, "LoomcycleInterrupt", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(InterruptResolution))]
    public sealed class ResolveLoomcycleInterruptCommand : LoomcycleCmdlet
    {
        /// <summary>The run the interrupt belongs to.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string RunId { get; set; } = string.Empty;

        /// <summary>The interrupt to answer.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string InterruptId { get; set; } = string.Empty;

        /// <summary>The answer (one of the interrupt's options when it declared any).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [AllowEmptyString]
        public string Answer { get; set; } = string.Empty;

        /// <summary>Who answered, recorded with the interrupt.</summary>
        [Parameter]
        public string? ResolvedBy { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(InterruptId, $"Answer '{Answer}' (run {RunId})"))
            {
                return;
            }

            TryRun(InterruptId, () => WriteObject(
                Invoke((connection, token) => connection.ResolveInterruptAsync(RunId, InterruptId, Answer, ResolvedBy, token))));
        }
    }
}
