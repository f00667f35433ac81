using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets the model cascade of each plan and tier, one object per step.</summary>
    /// <remarks>
    /// Calls GET /v1/_routing and flattens it: each object is one step of a cascade, with its Plan, Tier and
    /// Position (1 = tried first). An admin token also gets live availability (Available, Selected, Stalled,
    /// RateLimited, Reachable); other tokens get the cascade only.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleRouting | Where-Object Plan -eq pro | Format-Table Tier, Position, Provider, Model, Available</code>
    /// <para>Shows the cascade of the 'pro' plan.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleRouting")]
    [OutputType(typeof(RoutingEntry))]
    public sealed class GetLoomcycleRoutingCommand : LoomcycleCmdlet
    {
        /// <summary>Only the steps of this plan (user tier name).</summary>
        [Parameter(Position = 0)]
        public string? Plan { get; set; }

        protected override void EndProcessing() =>
            TryRun("/v1/_routing", () =>
            {
                foreach (RoutingEntry entry in InvokeEngine((connection, token) => connection.GetRoutingAsync(token)))
                {
                    if (Plan is null || string.Equals(Plan, entry.Plan, System.StringComparison.OrdinalIgnoreCase))
                    {
                        WriteObject(entry);
                    }
                }
            });
    }
}
