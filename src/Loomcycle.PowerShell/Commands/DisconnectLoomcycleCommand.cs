using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Forgets the current connection and closes its pooled HTTP connections.</summary>
    /// <remarks>
    /// After Disconnect-Loomcycle, cmdlets fall back to LOOMCYCLE_BASE_URL/LOOMCYCLE_AUTH_TOKEN or the
    /// default address. With -Connection, closes that connection object instead; it cannot be used again.
    /// </remarks>
    /// <example>
    /// <code>Disconnect-Loomcycle</code>
    /// <para>Closes the current connection.</para>
    /// </example>
    [Cmdlet(VerbsCommunications.Disconnect, "Loomcycle")]
    [OutputType(typeof(void))]
    public sealed class DisconnectLoomcycleCommand : PSCmdlet
    {
        /// <summary>A connection object to close (from Connect-Loomcycle -PassThru). Default: the current connection.</summary>
        [Parameter(ValueFromPipeline = true)]
        [ValidateNotNull]
        public LoomcycleConnection? Connection { get; set; }

        protected override void ProcessRecord()
        {
            LoomcycleConnection? current = ConnectionResolver.GetCurrent();
            LoomcycleConnection? target = Connection ?? current;
            if (target is null)
            {
                WriteVerbose("There is no current connection.");
                return;
            }

            if (ReferenceEquals(target, current))
            {
                ConnectionResolver.SetCurrent(null);
            }

            target.Dispose();
            WriteVerbose($"Disconnected from {target}.");
        }
    }
}
