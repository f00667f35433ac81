using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Registers a user in the token's tenant.</summary>
    /// <remarks>
    /// Calls POST /v1/_users and writes the new user. The tenant is always the token's own. AccessMode
    /// 'tenant' (the default) lets the user see the tenant's agents and data; 'isolated' keeps the user to
    /// its own. A user created -Disabled cannot get tokens until it is enabled. Creating a subject that exists
    /// fails with UserExists (ResourceExists).
    /// </remarks>
    /// <example>
    /// <code>New-LoomcycleUser -Subject alice -DisplayName 'Alice Liddell'</code>
    /// <para>Registers 'alice' with tenant access.</para>
    /// </example>
    /// <example>
    /// <code>Import-Csv users.csv | New-LoomcycleUser -AccessMode isolated</code>
    /// <para>Registers every user of a CSV file with Subject and DisplayName columns, isolated.</para>
    /// </example>
    [Cmdlet(VerbsCommon.New, "LoomcycleUser", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(UserAccount))]
    public sealed class NewLoomcycleUserCommand : LoomcycleCmdlet
    {
        /// <summary>The user's subject (the id runs and tokens use).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("UserId")]
        [ValidateNotNullOrEmpty]
        public string Subject { get; set; } = string.Empty;

        /// <summary>A name for people.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? DisplayName { get; set; }

        /// <summary>tenant (default): sees the tenant's agents and data; isolated: only its own.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("tenant", "isolated")]
        [LowerCase]
        public string? AccessMode { get; set; }

        /// <summary>Creates the user disabled: it cannot get tokens until Set-LoomcycleUser -Status active.</summary>
        [Parameter]
        public SwitchParameter Disabled { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Subject, "Create user"))
            {
                return;
            }

            string? status = Disabled ? "disabled" : null;
            TryRun(Subject, () => WriteObject(InvokeEngine((connection, token) => connection.CreateUserAsync(Subject, DisplayName, AccessMode, status, token))));
        }
    }
}
