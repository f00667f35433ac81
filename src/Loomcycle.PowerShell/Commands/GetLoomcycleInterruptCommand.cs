using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets the interrupts (questions agents asked) of a user or of a run.</summary>
    /// <remarks>
    /// With -UserId, calls GET /v1/users/{id}/interrupts (the server lists pending ones unless -Status says
    /// otherwise). With -RunId, calls GET /v1/runs/{id}/interrupts (every status unless -Status is given; an
    /// unknown run gives nothing). Statuses: pending, resolved, timed_out, cancelled, declined, all. Each
    /// interrupt pipes into Resolve-LoomcycleInterrupt.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleInterrupt -UserId u1</code>
    /// <para>Lists the questions waiting for user u1.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleInterrupt -RunId r_01HZX3 -Status all</code>
    /// <para>Lists every interrupt of one run, answered or not.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleInterrupt", DefaultParameterSetName = ByUserSet)]
    [OutputType(typeof(Interrupt))]
    public sealed class GetLoomcycleInterruptCommand : LoomcycleCmdlet
    {
        private const string ByUserSet = "ByUser";
        private const string ByRunSet = "ByRun";

        /// <summary>Lists the interrupts of this user.</summary>
        [Parameter(ParameterSetName = ByUserSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string UserId { get; set; } = string.Empty;

        /// <summary>Lists the interrupts of this run.</summary>
        [Parameter(ParameterSetName = ByRunSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string RunId { get; set; } = string.Empty;

        /// <summary>Which interrupts: pending, resolved, timed_out, cancelled, declined or all.</summary>
        [Parameter]
        [ValidateSet("pending", "resolved", "timed_out", "cancelled", "declined", "all")]
        [LowerCase]
        public string? Status { get; set; }

        protected override void ProcessRecord()
        {
            bool byRun = ParameterSetName == ByRunSet;
            string target = byRun ? RunId : UserId;
            TryRun(target, () =>
            {
                Interrupt[] interrupts = InvokeEngine((connection, token) => byRun
                    ? connection.ListRunInterruptsAsync(RunId, Status, token)
                    : connection.ListUserInterruptsAsync(UserId, Status, token));
                foreach (Interrupt interrupt in interrupts)
                {
                    WriteObject(interrupt);
                }
            });
        }
    }
}
