using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets whether the runtime is running, pausing or paused.</summary>
    /// <remarks>Calls GET /v1/_state. PausedRunsCount is the number of runs parked by a pause.</remarks>
    /// <example>
    /// <code>(Get-LoomcycleRuntimeState).State</code>
    /// <para>Shows running, pausing or paused.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleRuntimeState")]
    [OutputType(typeof(RuntimeState))]
    public sealed class GetLoomcycleRuntimeStateCommand : LoomcycleCmdlet
    {
        protected override void EndProcessing() =>
            TryRun(ResolvedConnection.BaseUri.ToString(), () => WriteObject(InvokeEngine((connection, token) => connection.GetRuntimeStateAsync(token))));
    }
}
