using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets the connection Loomcycle cmdlets use when no -Connection is given.</summary>
    /// <remarks>
    /// Returns the current connection of this session (from Connect-Loomcycle) or, when there is none,
    /// the connection built from LOOMCYCLE_BASE_URL and LOOMCYCLE_AUTH_TOKEN, or the default
    /// http://127.0.0.1:8787. Its Source property says which. The token is never shown, only HasToken.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleConnection</code>
    /// <para>Shows the base URL, whether a token is set, the timeouts and where the connection came from.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleConnection")]
    [OutputType(typeof(LoomcycleConnection))]
    public sealed class GetLoomcycleConnectionCommand : PSCmdlet
    {
        /// <summary>Returns only the connection set by Connect-Loomcycle, or nothing when there is none.</summary>
        [Parameter]
        public SwitchParameter Current { get; set; }

        protected override void EndProcessing()
        {
            try
            {
                LoomcycleConnection? connection = Current ? ConnectionResolver.GetCurrent() : ConnectionResolver.Resolve(null);
                if (connection is not null)
                {
                    WriteObject(connection);
                }
            }
            catch (LoomcycleException ex)
            {
                ThrowTerminatingError(LoomcycleErrors.From(ex, null));
            }
        }
    }
}
