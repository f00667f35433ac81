using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets which providers are reachable and which of their models are listed or stalled (admin token).</summary>
    /// <remarks>
    /// Calls GET /v1/_resolver and writes one object per provider. With -Probe it calls POST /v1/_resolve/probe
    /// instead: the server checks every provider again now (this waits for the answers) and returns the
    /// refreshed view — the way to recover after a provider outage without restarting the server.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleResolver | Where-Object { -not $_.Reachable }</code>
    /// <para>Lists the providers the server cannot reach.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleResolver -Probe</code>
    /// <para>Probes every provider now and shows the fresh result.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleResolver")]
    [OutputType(typeof(ProviderStatus))]
    public sealed class GetLoomcycleResolverCommand : LoomcycleCmdlet
    {
        /// <summary>Probes every provider now (POST /v1/_resolve/probe) instead of reading the last check.</summary>
        [Parameter]
        public SwitchParameter Probe { get; set; }

        protected override void EndProcessing() =>
            TryRun(Probe ? "/v1/_resolve/probe" : "/v1/_resolver", () =>
                WriteObject(InvokeEngine((connection, token) => connection.GetResolverAsync(Probe, token)), enumerateCollection: true));
    }
}
