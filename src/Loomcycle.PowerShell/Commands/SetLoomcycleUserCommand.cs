using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Changes a user's display name, access mode or status.</summary>
    /// <remarks>
    /// Calls PATCH /v1/_users/{subject}; only the properties given change. Setting -Status disabled also
    /// retires every delegated token of the user on the server at once: clients using them start getting 401.
    /// Enabling the user again does not bring those tokens back; mint new ones with New-LoomcycleUserToken.
    /// Writes nothing unless -PassThru is given.
    /// </remarks>
    /// <example>
    /// <code>Set-LoomcycleUser -Subject alice -Status disabled</code>
    /// <para>Disables 'alice' and retires her tokens.</para>
    /// </example>
    /// <example>
    /// <code>Set-LoomcycleUser -Subject bob -AccessMode isolated -PassThru</code>
    /// <para>Keeps 'bob' to his own agents and data, and shows the updated user.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Set, "LoomcycleUser", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(UserAccount))]
    public sealed class SetLoomcycleUserCommand : LoomcycleCmdlet
    {
        /// <summary>The user to change.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("UserId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SubjectCompleter))]
        public string Subject { get; set; } = string.Empty;

        /// <summary>A new name for people.</summary>
        [Parameter]
        public string? DisplayName { get; set; }

        /// <summary>tenant: sees the tenant's agents and data; isolated: only its own.</summary>
        [Parameter]
        [ValidateSet("tenant", "isolated")]
        [LowerCase]
        public string? AccessMode { get; set; }

        /// <summary>active or disabled. Disabling retires all of the user's delegated tokens.</summary>
        [Parameter]
        [ValidateSet("active", "disabled")]
        [LowerCase]
        public string? Status { get; set; }

        /// <summary>Writes the updated user.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            string action = Status == "disabled" ? "Disable user and retire its tokens" : "Update user";
            if (!ShouldProcess(Subject, action))
            {
                return;
            }

            TryRun(Subject, () =>
            {
                UserAccount user = InvokeEngine((connection, token) => connection.UpdateUserAsync(Subject, DisplayName, AccessMode, Status, token));
                if (PassThru)
                {
                    WriteObject(user);
                }
            });
        }
    }
}
