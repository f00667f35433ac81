using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Retires operator tokens at once (admin token).</summary>
    /// <remarks>
    /// Calls POST /v1/_operatortokendef with op retire for each token, by -DefId or by -Name (its current
    /// token). The server refuses to retire the last admin-scoped token when it has no LOOMCYCLE_AUTH_TOKEN to
    /// fall back on, because the server would then run unauthenticated: that is a ToolRefused error
    /// (InvalidOperation); create or rotate another substrate:admin token first. Asks for confirmation unless
    /// -Force or -Confirm:$false is given. Writes nothing unless -PassThru is given.
    /// </remarks>
    /// <example>
    /// <code>Revoke-LoomcycleOperatorToken -DefId def_0123456789abcdef -Force</code>
    /// <para>Retires one operator token without asking.</para>
    /// </example>
    [Cmdlet("Revoke", "LoomcycleOperatorToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = DefIdSet)]
    [OutputType(typeof(TokenRevocation))]
    public sealed class RevokeLoomcycleOperatorTokenCommand : LoomcycleCmdlet
    {
        private const string NameSet = "Name";
        private const string DefIdSet = "DefId";

        /// <summary>The token definition ids (def_…) to retire.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = DefIdSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] DefId { get; set; } = System.Array.Empty<string>();

        /// <summary>The names whose current token to retire.</summary>
        [Parameter(Mandatory = true, ParameterSetName = NameSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(OperatorTokenNameCompleter))]
        public string[] Name { get; set; } = System.Array.Empty<string>();

        /// <summary>Retires without asking for confirmation (-WhatIf still only shows what would happen).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Writes what was retired and when.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            bool byName = ParameterSetName == NameSet;
            foreach (string item in byName ? Name : DefId)
            {
                if (!Confirmation.ShouldProcess(this, Force, item, "Retire operator token"))
                {
                    continue;
                }

                TryRun(item, () =>
                {
                    TokenRevocation retired = InvokeEngine((connection, token) => connection.RetireOperatorTokenAsync(byName ? item : null, byName ? null : item, token));
                    if (PassThru)
                    {
                        WriteObject(retired);
                    }
                });
            }
        }
    }
}
