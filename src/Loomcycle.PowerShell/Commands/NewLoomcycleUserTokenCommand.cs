using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Mints a bearer token for a user; the secret is shown once.</summary>
    /// <remarks>
    /// Calls POST /v1/_users/{subject}/tokens. The token's scopes follow the user's access mode. The server
    /// shows the secret only in this answer: it is in the Token property as a SecureString, and never in
    /// verbose, debug or error output. -AsPlainText also puts it in PlainTextToken as text, for handing it to
    /// a secret store; mind where that text goes. A disabled user gets a UserDisabled error.
    /// </remarks>
    /// <example>
    /// <code>$t = New-LoomcycleUserToken -Subject alice; Set-Secret -Name loomcycle-alice -SecureStringSecret $t.Token</code>
    /// <para>Mints a token for 'alice' and stores it with SecretManagement, never as text.</para>
    /// </example>
    /// <example>
    /// <code>Connect-Loomcycle -BaseUrl https://lc.example -Token (New-LoomcycleUserToken -Subject alice).Token -PassThru -NoDefault</code>
    /// <para>Connects as 'alice' with a fresh token.</para>
    /// </example>
    [Cmdlet(VerbsCommon.New, "LoomcycleUserToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(UserToken))]
    public sealed class NewLoomcycleUserTokenCommand : LoomcycleCmdlet
    {
        /// <summary>The user to mint for.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("UserId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SubjectCompleter))]
        public string Subject { get; set; } = string.Empty;

        /// <summary>Also puts the secret in PlainTextToken as text.</summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Subject, "Mint user token"))
            {
                return;
            }

            TryRun(Subject, () =>
            {
                UserToken minted = InvokeEngine((connection, token) => connection.CreateUserTokenAsync(Subject, token));
                if (AsPlainText)
                {
                    minted.PlainTextToken = SecretText.Reveal(minted.Token);
                }

                WriteObject(minted);
            });
        }
    }
}
