using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets the monthly token budgets and how much of each is used.</summary>
    /// <remarks>
    /// Calls GET /v1/_limits. Budgets count tokens per calendar month (UTC). Used is this month's count so far.
    /// A null SoftLimit or HardLimit means no ceiling at that tier. -Scope and -ScopeId filter the answer;
    /// -Tenant asks an admin token's server for one tenant.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleLimit -Scope user | Where-Object { $_.HardLimit -and $_.Used -gt 0.9 * $_.HardLimit }</code>
    /// <para>Lists users who have used more than 90% of their hard budget.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleLimit")]
    [OutputType(typeof(BudgetLimit))]
    public sealed class GetLoomcycleLimitCommand : LoomcycleCmdlet
    {
        /// <summary>Only budgets of this scope.</summary>
        [Parameter(Position = 0)]
        [ValidateSet("operator", "tenant", "user")]
        [LowerCase]
        public string? Scope { get; set; }

        /// <summary>Only the budget of this user (subject).</summary>
        [Parameter(Position = 1)]
        [ArgumentCompleter(typeof(SubjectCompleter))]
        public string? ScopeId { get; set; }

        /// <summary>The tenant whose budgets to list (admin token).</summary>
        [Parameter]
        [Alias("TenantId")]
        [ArgumentCompleter(typeof(TenantCompleter))]
        public string? Tenant { get; set; }

        protected override void EndProcessing() =>
            TryRun("/v1/_limits", () =>
            {
                foreach (BudgetLimit limit in InvokeEngine((connection, token) => connection.ListLimitsAsync(Tenant, token)))
                {
                    if ((Scope is null || limit.Scope == Scope) && (ScopeId is null || limit.ScopeId == ScopeId))
                    {
                        WriteObject(limit);
                    }
                }
            });
    }
}
