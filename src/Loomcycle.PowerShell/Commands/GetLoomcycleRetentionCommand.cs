using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets the server's data-retention settings.</summary>
    /// <remarks>
    /// Calls GET /v1/_retention. Ages are in milliseconds, as the server reports them. Purgeable counts,
    /// ExportDir and SqlmemGc are filled only for an admin token.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleRetention | Format-List Enabled, ChatsMode, ChatsMaxAgeMs, MemMode</code>
    /// <para>Shows whether retention runs and how long chats and memory are kept.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleRetention")]
    [OutputType(typeof(RetentionPolicy))]
    public sealed class GetLoomcycleRetentionCommand : LoomcycleCmdlet
    {
        protected override void EndProcessing() =>
            TryRun("/v1/_retention", () => WriteObject(InvokeEngine((connection, token) => connection.GetRetentionAsync(token))));
    }
}
