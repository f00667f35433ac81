using System;
using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets token use and cost, grouped by tenant, user, provider, model or key source, over a date window.</summary>
    /// <remarks>
    /// Calls GET /v1/_usage and writes one flat row per group, ready for Export-Csv and Measure-Object. The
    /// columns not grouped by are empty; From and To repeat the window on every row. -From and -To are
    /// inclusive dates or times (local times are converted to UTC); archived rows are filtered by whole days.
    /// Cost is in the row's Currency: rows are never summed across currencies by the server, and neither
    /// should a script (group by Currency first). UnpricedCalls above 0 means Cost is incomplete.
    /// -Tenant narrows an admin token's report to one tenant; other tokens always see their own tenant.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleUsage -GroupBy user, model -From '2026-11-01' -To '2026-11-30T23:59:59Z' | Export-Csv usage-2026-11.csv -NoTypeInformation</code>
    /// <para>Writes November's use per user and model to a CSV file.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleUsage -GroupBy tenant | Group-Object Currency | ForEach-Object { [pscustomobject]@{ Currency = $_.Name; Cost = ($_.Group | Measure-Object Cost -Sum).Sum } }</code>
    /// <para>Totals the cost per currency.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleUsage")]
    [OutputType(typeof(UsageRow))]
    public sealed class GetLoomcycleUsageCommand : LoomcycleCmdlet
    {
        /// <summary>What to group by: tenant, user, provider, model, source (server default: tenant, source).</summary>
        [Parameter(Position = 0)]
        [ValidateSet("tenant", "user", "provider", "model", "source")]
        [LowerCase]
        public string[]? GroupBy { get; set; }

        /// <summary>The first day or moment to count (inclusive).</summary>
        [Parameter]
        public DateTime? From { get; set; }

        /// <summary>The last moment to count (inclusive). A date without a time means its first moment: use the next day minus one second, or -To (Get-Date).</summary>
        [Parameter]
        public DateTime? To { get; set; }

        /// <summary>One tenant only (admin token).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(TenantCompleter))]
        public string? Tenant { get; set; }

        protected override void EndProcessing()
        {
            DateTimeOffset? from = From is DateTime f ? AdminTime.ToOffset(f) : null;
            DateTimeOffset? to = To is DateTime t ? AdminTime.ToOffset(t) : null;
            TryRun("/v1/_usage", () =>
                WriteObject(InvokeEngine((connection, token) => connection.GetUsageAsync(GroupBy, from, to, Tenant, token)), enumerateCollection: true));
        }
    }
}
