using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Creates an operator token for any tenant and subject (admin token); the secret is shown once.</summary>
    /// <remarks>
    /// Calls POST /v1/_operatortokendef with op create. Name and TenantId must be 1 to 64 letters, digits,
    /// '_' or '-'. Subject defaults to tok-&lt;name&gt;, Scope to substrate:admin. A name that already has a working
    /// token is refused (ToolRefused): use Update-LoomcycleOperatorToken to rotate it. The secret is in the
    /// Token property as a SecureString and never in verbose, debug or error output; -AsPlainText also puts it
    /// in PlainTextToken. Creating the first admin token retires the legacy LOOMCYCLE_AUTH_TOKEN.
    /// </remarks>
    /// <example>
    /// <code>$t = New-LoomcycleOperatorToken -Name ci -TenantId acme -Scope runs:create, runs:read</code>
    /// <para>Creates a token for the CI of tenant 'acme' that can start and read runs.</para>
    /// </example>
    [Cmdlet(VerbsCommon.New, "LoomcycleOperatorToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(OperatorToken))]
    public sealed class NewLoomcycleOperatorTokenCommand : LoomcycleCmdlet
    {
        /// <summary>The token's name (one current token per name).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        /// <summary>The tenant the token acts in.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TenantCompleter))]
        public string TenantId { get; set; } = string.Empty;

        /// <summary>The subject the token acts as (default tok-&lt;name&gt;).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Subject { get; set; }

        /// <summary>The scopes (default substrate:admin).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("substrate:admin", "substrate:tenant", "substrate:user", "runs:create", "runs:read", "channel:publish", "channel:read", "providers:operator-key")]
        [LowerCase]
        public string[]? Scope { get; set; }

        /// <summary>Also puts the secret in PlainTextToken as text.</summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess($"{Name} in {TenantId}", "Create operator token"))
            {
                return;
            }

            TryRun(Name, () =>
            {
                OperatorToken created = InvokeEngine((connection, token) => connection.CreateOperatorTokenAsync(Name, TenantId, Subject, Scope, token));
                if (AsPlainText)
                {
                    created.PlainTextToken = SecretText.Reveal(created.Token);
                }

                WriteObject(created);
            });
        }
    }
}
