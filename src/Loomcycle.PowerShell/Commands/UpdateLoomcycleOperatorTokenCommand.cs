using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Rotates an operator token: mints its replacement and retires the old one after a grace period.</summary>
    /// <remarks>
    /// Calls POST /v1/_operatortokendef with op rotate, by -Name (its current token) or -DefId. A piped token
    /// (Get-LoomcycleOperatorToken) is rotated by its DefId: that token, once, not its name's current one; a token already
    /// retired or replaced is refused (the server would make it valid again), so piping every token of a name rotates
    /// only the current one and reports the others as errors. The old token
    /// keeps working for -GraceSec seconds (server default 24 hours; 0 retires it at once), so clients can
    /// switch. The new secret is in the Token property as a SecureString and never in verbose, debug or error
    /// output; -AsPlainText also puts it in PlainTextToken. PriorRetiresAt says when the old one stops.
    /// </remarks>
    /// <example>
    /// <code>$new = Update-LoomcycleOperatorToken -Name ci -GraceSec 3600; Set-Secret -Name loomcycle-ci -SecureStringSecret $new.Token</code>
    /// <para>Rotates the 'ci' token with one hour of overlap and stores the new secret.</para>
    /// </example>
    [Cmdlet(VerbsData.Update, "LoomcycleOperatorToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = DefIdSet)]
    [OutputType(typeof(OperatorToken))]
    public sealed class UpdateLoomcycleOperatorTokenCommand : LoomcycleCmdlet
    {
        private const string NameSet = "Name";
        private const string DefIdSet = "DefId";

        /// <summary>The name whose current token to rotate.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(OperatorTokenNameCompleter))]
        public string? Name { get; set; }

        /// <summary>The token definition id (def_…) to rotate.</summary>
        [Parameter(Mandatory = true, ParameterSetName = DefIdSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? DefId { get; set; }

        /// <summary>Seconds the old token keeps working (server default 86400; 0 = at once).</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int? GraceSec { get; set; }

        /// <summary>Also puts the new secret in PlainTextToken as text.</summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        protected override void ProcessRecord()
        {
            string target = DefId ?? Name!;
            if (!ShouldProcess(target, "Rotate operator token"))
            {
                return;
            }

            TryRun(target, () =>
            {
                OperatorToken rotated = InvokeEngine((connection, token) => connection.RotateOperatorTokenAsync(ParameterSetName == NameSet ? Name : null, ParameterSetName == DefIdSet ? DefId : null, GraceSec, token));
                if (AsPlainText)
                {
                    rotated.PlainTextToken = SecretText.Reveal(rotated.Token);
                }

                WriteObject(rotated);
            });
        }
    }
}
