using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets who the connection's token is: tenant, subject, scopes and whether it is an admin.</summary>
    /// <remarks>
    /// Calls GET /v1/_me. Any valid token may ask. On a server running without authentication the answer is the
    /// default tenant and subject with the admin scope, and OpenMode is true.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleIdentity</code>
    /// <para>Shows the tenant, subject, scopes and IsAdmin of the current connection's token.</para>
    /// </example>
    /// <example>
    /// <code>if (-not (Get-LoomcycleIdentity).IsAdmin) { throw 'This script needs an admin token.' }</code>
    /// <para>Stops a script early when its token is not an admin token.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleIdentity")]
    [OutputType(typeof(Identity))]
    public sealed class GetLoomcycleIdentityCommand : LoomcycleCmdlet
    {
        protected override void EndProcessing() =>
            TryRun("/v1/_me", () => WriteObject(InvokeEngine((connection, token) => connection.GetIdentityAsync(token))));
    }
}
