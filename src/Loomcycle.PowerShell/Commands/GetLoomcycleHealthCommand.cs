using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets the liveness and build information of a loomcycle server.</summary>
    /// <remarks>
    /// Calls GET /healthz, which needs no token. Older servers answer only Ok; newer ones add the version,
    /// commit, build date and uptime.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleHealth</code>
    /// <para>Shows whether the server is up, and its version and uptime.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleHealth")]
    [OutputType(typeof(Health))]
    public sealed class GetLoomcycleHealthCommand : LoomcycleCmdlet
    {
        protected override void EndProcessing()
        {
            try
            {
                WriteObject(InvokeEngine((connection, token) => connection.GetHealthAsync(token)));
            }
            catch (LoomcycleException ex)
            {
                ThrowLoomcycleError(ex, ResolvedConnection.BaseUri);
            }
        }
    }
}
