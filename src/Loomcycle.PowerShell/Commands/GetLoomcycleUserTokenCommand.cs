using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Lists a user's delegated tokens (never their secrets).</summary>
    /// <remarks>
    /// Calls GET /v1/_users/{subject}/tokens. Retired tokens are listed too (Active false, RetiredAt set)
    /// unless -Active is given. Operator tokens are not listed here: see Get-LoomcycleOperatorToken.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleUserToken -Subject alice -Active</code>
    /// <para>Lists the tokens of 'alice' that still work.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleUserToken -Subject alice -Active | Revoke-LoomcycleUserToken</code>
    /// <para>Revokes every working token of 'alice'.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleUserToken")]
    [OutputType(typeof(UserToken))]
    public sealed class GetLoomcycleUserTokenCommand : LoomcycleCmdlet
    {
        /// <summary>The user whose tokens to list.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("UserId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SubjectCompleter))]
        public string[] Subject { get; set; } = System.Array.Empty<string>();

        /// <summary>Only tokens that are not retired.</summary>
        [Parameter]
        public SwitchParameter Active { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string subject in Subject)
            {
                TryRun(subject, () =>
                {
                    foreach (UserToken listed in InvokeEngine((connection, token) => connection.ListUserTokensAsync(subject, token)))
                    {
                        if (!Active || listed.Active)
                        {
                            WriteObject(listed);
                        }
                    }
                });
            }
        }
    }
}
