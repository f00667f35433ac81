using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets operator token names, the tokens of one name, or one token (admin token).</summary>
    /// <remarks>
    /// Without parameters calls GET /v1/_operatortokendef/names: one object per name with its tenant, subject,
    /// token count and whether it has a current token. With -Name lists every token of that name, current and
    /// retired (op list); with -DefId gets one token (op get). Secrets are never returned.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleOperatorToken</code>
    /// <para>Lists the operator token names.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleOperatorToken -Name ci | Where-Object { -not $_.RetiredAt -or $_.RetiredAt -gt (Get-Date) }</code>
    /// <para>Shows the working tokens named 'ci' (two during a rotation's grace period: Retired is already true for the old one).</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleOperatorToken", DefaultParameterSetName = NamesSet)]
    [OutputType(typeof(OperatorTokenName), ParameterSetName = new[] { NamesSet })]
    [OutputType(typeof(OperatorToken), ParameterSetName = new[] { NameSet, DefIdSet })]
    public sealed class GetLoomcycleOperatorTokenCommand : LoomcycleCmdlet
    {
        private const string NamesSet = "Names";
        private const string NameSet = "Name";
        private const string DefIdSet = "DefId";

        /// <summary>Lists the tokens of these names.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(OperatorTokenNameCompleter))]
        public string[] Name { get; set; } = System.Array.Empty<string>();

        /// <summary>Gets these tokens by definition id (def_…).</summary>
        [Parameter(Mandatory = true, ParameterSetName = DefIdSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] DefId { get; set; } = System.Array.Empty<string>();

        /// <summary>Only names in this tenant (names listing).</summary>
        [Parameter(ParameterSetName = NamesSet)]
        [ArgumentCompleter(typeof(TenantCompleter))]
        public string? Tenant { get; set; }

        protected override void ProcessRecord()
        {
            switch (ParameterSetName)
            {
                case NameSet:
                    foreach (string name in Name)
                    {
                        TryRun(name, () => WriteObject(InvokeEngine((connection, token) => connection.ListOperatorTokensAsync(name, token)), enumerateCollection: true));
                    }

                    break;
                case DefIdSet:
                    foreach (string defId in DefId)
                    {
                        TryRun(defId, () => WriteObject(InvokeEngine((connection, token) => connection.GetOperatorTokenAsync(defId, token))));
                    }

                    break;
            }
        }

        protected override void EndProcessing()
        {
            if (ParameterSetName == NamesSet)
            {
                TryRun("/v1/_operatortokendef/names", () =>
                    WriteObject(InvokeEngine((connection, token) => connection.ListOperatorTokenNamesAsync(Tenant, token)), enumerateCollection: true));
            }
        }
    }
}
