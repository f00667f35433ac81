using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets the server's version, features, providers and models.</summary>
    /// <remarks>
    /// Calls GET /v1/config. What the answer holds depends on the token: View says which view it is
    /// (public, authenticated or admin). Providers, Models and Search list what is configured and active.
    /// </remarks>
    /// <example>
    /// <code>(Get-LoomcycleServerConfiguration).Instance.Version</code>
    /// <para>Shows the server's version.</para>
    /// </example>
    /// <example>
    /// <code>(Get-LoomcycleServerConfiguration).Models | Where-Object Active | Format-Table Provider, Model, Tiers</code>
    /// <para>Lists the models that are active, with their tiers.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleServerConfiguration")]
    [OutputType(typeof(ServerConfiguration))]
    public sealed class GetLoomcycleServerConfigurationCommand : LoomcycleCmdlet
    {
        protected override void EndProcessing() =>
            TryRun("/v1/config", () => WriteObject(InvokeEngine((connection, token) => connection.GetServerConfigurationAsync(token))));
    }
}
