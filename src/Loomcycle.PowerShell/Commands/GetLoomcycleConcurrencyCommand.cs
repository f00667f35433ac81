using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets how many runs are active and queued, per user and per provider (admin token).</summary>
    /// <remarks>Calls GET /v1/_concurrency/stats. PerUser and Providers are present only when the server tracks them.</remarks>
    /// <example>
    /// <code>$c = Get-LoomcycleConcurrency; if ($c.Queued -gt 10) { Write-Warning "$($c.Queued) runs are queued" }</code>
    /// <para>Warns when the queue is long.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleConcurrency")]
    [OutputType(typeof(ConcurrencyStats))]
    public sealed class GetLoomcycleConcurrencyCommand : LoomcycleCmdlet
    {
        protected override void EndProcessing() =>
            TryRun("/v1/_concurrency/stats", () => WriteObject(InvokeEngine((connection, token) => connection.GetConcurrencyAsync(token))));
    }
}
