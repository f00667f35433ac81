using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Retires delegated user tokens.</summary>
    /// <remarks>
    /// Calls DELETE /v1/_users/{subject}/tokens/{def_id} for each token: it stops working at once. An unknown
    /// id, another user's token or an operator token is a TokenNotFound error. Binds Subject and DefId from
    /// Get-LoomcycleUserToken. Writes nothing unless -PassThru is given.
    /// </remarks>
    /// <example>
    /// <code>Revoke-LoomcycleUserToken -Subject alice -DefId def_0123456789abcdef</code>
    /// <para>Retires one token of 'alice'.</para>
    /// </example>
    [Cmdlet("Revoke", "LoomcycleUserToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(TokenRevocation))]
    public sealed class RevokeLoomcycleUserTokenCommand : LoomcycleCmdlet
    {
        /// <summary>The user the tokens belong to.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("UserId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SubjectCompleter))]
        public string Subject { get; set; } = string.Empty;

        /// <summary>The token definition ids (def_…) to retire.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(UserTokenIdCompleter))]
        public string[] DefId { get; set; } = System.Array.Empty<string>();

        /// <summary>Writes what was retired and when.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string defId in DefId)
            {
                if (!ShouldProcess($"{defId} of {Subject}", "Revoke user token"))
                {
                    continue;
                }

                TryRun(defId, () =>
                {
                    TokenRevocation revoked = InvokeEngine((connection, token) => connection.RevokeUserTokenAsync(Subject, defId, token));
                    if (PassThru)
                    {
                        WriteObject(revoked);
                    }
                });
            }
        }
    }
}
