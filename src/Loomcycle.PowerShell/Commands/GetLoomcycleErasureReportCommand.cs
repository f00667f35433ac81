using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Reports what the server holds about a data subject, before an erasure.</summary>
    /// <remarks>
    /// Calls GET /v1/_erasure. Covered is what an erasure deletes, Uncovered what it cannot delete by subject,
    /// and Residue what derives from the subject's sessions elsewhere (zero rows over zero sessions examined
    /// means unknown, not none). Errors names planes the server could not read. An admin token must name the
    /// tenant with -Tenant ('' = the default tenant).
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleErasureReport -Subject alice -Tenant acme | ConvertTo-Json -Depth 5 | Set-Content alice-before.json</code>
    /// <para>Keeps a record of what was held about 'alice' before erasing it.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleErasureReport")]
    [OutputType(typeof(ErasureReport))]
    public sealed class GetLoomcycleErasureReportCommand : LoomcycleCmdlet
    {
        /// <summary>The data subjects to report on.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("UserId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SubjectCompleter))]
        public string[] Subject { get; set; } = System.Array.Empty<string>();

        /// <summary>The tenant to look in. Required with an admin token ('' = the default tenant).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(TenantCompleter))]
        public string? Tenant { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string subject in Subject)
            {
                TryRun(subject, () => WriteObject(InvokeEngine((connection, token) => connection.GetErasureReportAsync(subject, Tenant, token))));
            }
        }
    }
}
