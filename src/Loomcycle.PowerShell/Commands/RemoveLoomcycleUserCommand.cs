using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Deletes users, retiring their delegated tokens first.</summary>
    /// <remarks>
    /// Calls DELETE /v1/_users/{subject} for each subject. The server retires the user's delegated tokens,
    /// then deletes the registration; runs, chats and memory stay (Invoke-LoomcycleErasure removes those).
    /// Deleting a user that does not exist is a UserNotFound error. Asks for confirmation unless -Force or
    /// -Confirm:$false is given.
    /// </remarks>
    /// <example>
    /// <code>Remove-LoomcycleUser -Subject alice -Force</code>
    /// <para>Deletes 'alice' without asking.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Remove, "LoomcycleUser", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class RemoveLoomcycleUserCommand : LoomcycleCmdlet
    {
        /// <summary>The users to delete.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("UserId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SubjectCompleter))]
        public string[] Subject { get; set; } = System.Array.Empty<string>();

        /// <summary>Deletes without asking for confirmation (-WhatIf still only shows what would happen).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string subject in Subject)
            {
                if (Confirmation.ShouldProcess(this, Force, subject, "Delete user and retire its tokens"))
                {
                    StartEngineCall(subject, (connection, token) => connection.DeleteUserAsync(subject, token));
                }
            }
        }
    }
}
