using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets the tenants the server has seen, with their user and run counts (admin token).</summary>
    /// <remarks>
    /// Calls GET /v1/_tenants. The list is derived from runs, so a tenant that never ran anything is absent;
    /// the server's notes about this are written to the verbose stream. Needs an admin token: any other
    /// token gets a PermissionDenied error.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleTenant | Sort-Object Runs -Descending</code>
    /// <para>Lists the tenants, busiest first.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleTenant")]
    [OutputType(typeof(TenantSummary))]
    public sealed class GetLoomcycleTenantCommand : LoomcycleCmdlet
    {
        protected override void EndProcessing() =>
            TryRun("/v1/_tenants", () =>
            {
                var notes = new System.Collections.Generic.List<string>();
                TenantSummary[] tenants = InvokeEngine((connection, token) => connection.ListTenantsAsync(notes.Add, token));
                foreach (string note in notes)
                {
                    WriteVerbose(note);
                }

                WriteObject(tenants, enumerateCollection: true);
            });
    }
}
