using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Removes a monthly token budget (both tiers).</summary>
    /// <remarks>
    /// Calls DELETE /v1/_limits with the scope in the query. Removing a budget that does not exist is not an
    /// error (the server answers the same). Binds from Get-LoomcycleLimit. Writes nothing.
    /// </remarks>
    /// <example>
    /// <code>Remove-LoomcycleLimit -Scope user -ScopeId alice</code>
    /// <para>Removes the budget of 'alice'.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleLimit -Scope user | Where-Object Used -eq 0 | Remove-LoomcycleLimit -Confirm:$false</code>
    /// <para>Removes the user budgets nobody used this month.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Remove, "LoomcycleLimit", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class RemoveLoomcycleLimitCommand : LoomcycleCmdlet
    {
        /// <summary>operator (admin only), tenant or user.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateSet("operator", "tenant", "user")]
        [LowerCase]
        public string Scope { get; set; } = string.Empty;

        /// <summary>The user's subject, for Scope user.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SubjectCompleter))]
        public string? ScopeId { get; set; }

        /// <summary>The tenant (admin token; other tokens may name only their own).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TenantCompleter))]
        public string? TenantId { get; set; }

        protected override void ProcessRecord()
        {
            string? scopeId = string.IsNullOrEmpty(ScopeId) ? null : ScopeId;
            string? tenant = string.IsNullOrEmpty(TenantId) || Scope == "operator" ? null : TenantId;
            string target = scopeId is null ? Scope : $"{Scope} {scopeId}";
            if (ShouldProcess(target, "Remove token budget"))
            {
                TryRun(
                    target,
                    () => InvokeEngine((connection, token) => connection.DeleteLimitAsync(Scope, scopeId, tenant, token)),
                    ex => SetLoomcycleLimitCommand.ScopeIdAdvice(ex, Scope, scopeId));
            }
        }
    }
}
