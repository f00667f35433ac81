using System;
using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Sets a monthly token budget; tiers not named keep their value.</summary>
    /// <remarks>
    /// Calls PUT /v1/_limits. The server replaces the whole row: a tier the request leaves out is CLEARED. So
    /// that setting only -HardLimit does not silently remove a soft limit, this cmdlet first reads the current
    /// budget (GET /v1/_limits) and sends the tiers you did not name with their current values. To clear a
    /// tier, pass $null for it (-SoftLimit $null). -Replace sends exactly what is given, like the server's PUT.
    /// Scope operator is admin-only; tenant takes no -ScopeId; user needs -ScopeId (the subject). A soft limit
    /// warns (limit events) when crossed; a hard limit refuses new runs (token_limit_exceeded).
    /// Writes nothing unless -PassThru is given.
    /// </remarks>
    /// <example>
    /// <code>Set-LoomcycleLimit -Scope user -ScopeId alice -SoftLimit 800000 -HardLimit 1000000</code>
    /// <para>Gives 'alice' a monthly budget of one million tokens, with a warning at 800,000.</para>
    /// </example>
    /// <example>
    /// <code>Set-LoomcycleLimit -Scope user -ScopeId alice -HardLimit 2000000</code>
    /// <para>Raises the hard limit of 'alice'; her soft limit stays as it was.</para>
    /// </example>
    /// <example>
    /// <code>Set-LoomcycleLimit -Scope tenant -SoftLimit $null</code>
    /// <para>Removes the tenant's soft limit and keeps its hard limit.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Set, "LoomcycleLimit", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(BudgetLimit))]
    public sealed class SetLoomcycleLimitCommand : LoomcycleCmdlet
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

        /// <summary>Tokens per month after which the server warns. $null clears it.</summary>
        [Parameter]
        [AllowNull]
        public long? SoftLimit { get; set; }

        /// <summary>Tokens per month after which the server refuses new runs. $null clears it.</summary>
        [Parameter]
        [AllowNull]
        public long? HardLimit { get; set; }

        /// <summary>The tenant (admin token; other tokens may name only their own).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TenantCompleter))]
        public string? TenantId { get; set; }

        /// <summary>Sends only the tiers given, like the server's PUT: tiers not named are cleared.</summary>
        [Parameter]
        public SwitchParameter Replace { get; set; }

        /// <summary>Writes the budget as the server stored it.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            bool softGiven = MyInvocation.BoundParameters.ContainsKey(nameof(SoftLimit));
            bool hardGiven = MyInvocation.BoundParameters.ContainsKey(nameof(HardLimit));
            string? scopeId = string.IsNullOrEmpty(ScopeId) ? null : ScopeId;
            string target = scopeId is null ? Scope : $"{Scope} {scopeId}";
            if (!softGiven && !hardGiven)
            {
                WriteError(new ErrorRecord(
                    new PSArgumentException("Name a tier to set: -SoftLimit, -HardLimit or both ($null clears one)."),
                    "NoLimitGiven", ErrorCategory.InvalidArgument, target));
                return;
            }

            TryRun(target, () =>
            {
                LoomcycleConnection.CheckLimitScope(Scope, scopeId); // before asking: no prompt for what cannot happen
                long? soft = SoftLimit;
                long? hard = HardLimit;
                string? tenantId = TenantId;
                if (!Replace && !(softGiven && hardGiven))
                {
                    BudgetLimit? current = InvokeEngine((connection, token) => connection.GetLimitAsync(Scope, scopeId, TenantId, token));
                    if (!softGiven) soft = current?.SoftLimit;
                    if (!hardGiven) hard = current?.HardLimit;
                    // Write the budget where it was read: an admin token without -TenantId reads every tenant's budgets but
                    // writes to the default one, which would leave the budget read unchanged and add another.
                    if (tenantId is null && Scope != "operator" && !string.IsNullOrEmpty(current?.TenantId))
                    {
                        tenantId = current!.TenantId;
                    }
                }

                string description = $"soft {Describe(soft)}, hard {Describe(hard)}";
                if (!ShouldProcess(target, "Set token budget: " + description))
                {
                    return;
                }

                BudgetLimit stored = InvokeEngine((connection, token) => connection.SetLimitAsync(Scope, scopeId, soft, hard, tenantId, token));
                if (PassThru)
                {
                    WriteObject(stored);
                }
            },
            ex => ScopeIdAdvice(ex, Scope, scopeId)
                ?? (ex is InvalidArgumentException { StatusCode: 0 } && ex.Target == (scopeId ?? Scope) && TenantId is null && !Replace && !(softGiven && hardGiven)
                    ? "The budget is set in more than one tenant: name the tenant with -TenantId, or give both -SoftLimit and -HardLimit."
                    : null));
        }

        /// <summary>The advice for a refusal of the scope id (see <see cref="LoomcycleConnection.CheckLimitScope"/>), in this module's parameters.</summary>
        internal static string? ScopeIdAdvice(LoomcycleException exception, string scope, string? scopeId) =>
            exception is not InvalidArgumentException { StatusCode: 0 } ? null
            : scope == "user" && scopeId is null ? "Add -ScopeId with the user's subject."
            : scope != "user" && scopeId is not null ? $"Leave out -ScopeId: a {scope} budget has none (only user budgets do)."
            : null;

        private static string Describe(long? value) => value is long v ? v.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "none";
    }
}
