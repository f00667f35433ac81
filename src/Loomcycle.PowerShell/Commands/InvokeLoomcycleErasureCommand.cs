using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Erases a data subject's data from the server, or reports what an erasure would delete.</summary>
    /// <remarks>
    /// Calls POST /v1/_erasure. With -DryRun nothing is deleted and nothing is asked: the result says what
    /// would go. Without it the erasure is live and cannot be undone: the cmdlet asks for confirmation
    /// (ConfirmImpact High) unless -Force or -Confirm:$false is given, then sends the server's confirm field
    /// (the subject) itself. The server refuses a live erasure without an audit log (Unavailable:
    /// set LOOMCYCLE_AUDIT_LOG_PATH). Keep the result: after a live run the server can no longer trace the
    /// residue. It holds Deleted (rows per plane), Retained (plane and why), Residue, Errors, Notes, the
    /// server, the time and Json, the server's answer exactly as sent. An admin token must name the tenant
    /// with -Tenant ('' = the default tenant).
    /// </remarks>
    /// <example>
    /// <code>Invoke-LoomcycleErasure -Subject alice -Tenant acme -DryRun</code>
    /// <para>Shows what erasing 'alice' would delete and keep.</para>
    /// </example>
    /// <example>
    /// <code>Invoke-LoomcycleErasure -Subject alice -Tenant acme -Force | Export-Clixml "erasure-alice-$(Get-Date -Format yyyyMMdd).xml"</code>
    /// <para>Erases 'alice' without asking and archives the full result.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Invoke, "LoomcycleErasure", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(ErasureResult))]
    public sealed class InvokeLoomcycleErasureCommand : LoomcycleCmdlet
    {
        /// <summary>The data subjects to erase.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("UserId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SubjectCompleter))]
        public string[] Subject { get; set; } = System.Array.Empty<string>();

        /// <summary>The tenant to erase in. Required with an admin token ('' = the default tenant).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(TenantCompleter))]
        public string? Tenant { get; set; }

        /// <summary>Deletes nothing; reports what would be deleted.</summary>
        [Parameter]
        public SwitchParameter DryRun { get; set; }

        /// <summary>Erases without asking for confirmation (-WhatIf still only shows what would happen).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string subject in Subject)
            {
                if (!DryRun && !Confirmation.ShouldProcess(this, Force, Tenant is null ? subject : $"{subject} in tenant '{Tenant}'", "Erase all data of subject (cannot be undone)"))
                {
                    continue;
                }

                TryRun(subject, () => WriteObject(InvokeEngine((connection, token) => connection.InvokeErasureAsync(subject, DryRun, Tenant, token))));
            }
        }
    }
}
