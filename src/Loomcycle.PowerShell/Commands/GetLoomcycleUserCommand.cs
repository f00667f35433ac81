using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets the users the server knows, with their running and total run counts.</summary>
    /// <remarks>Calls GET /v1/_users and writes one object per user.</remarks>
    /// <example>
    /// <code>Get-LoomcycleUser | Where-Object RunningCount -gt 0 | Get-LoomcycleAgent</code>
    /// <para>Lists the running agents of every user that has any.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleUser")]
    [OutputType(typeof(User))]
    public sealed class GetLoomcycleUserCommand : LoomcycleCmdlet
    {
        protected override void EndProcessing() =>
            TryRun(null, () =>
            {
                foreach (User user in Invoke((connection, token) => connection.ListUsersAsync(token)))
                {
                    WriteObject(user);
                }
            });
    }
}
