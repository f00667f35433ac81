using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets the users the server knows, or one subject's whole footprint.</summary>
    /// <remarks>
    /// Without -Subject calls GET /v1/_users and writes one object per user, with running and total run counts.
    /// With -Subject calls GET /v1/_users/{subject} for the directory view: activity, chats, memory rows per
    /// plane, documents, budget and spend in one object. An admin token must name the tenant with -Tenant
    /// (-Tenant '' is the default tenant); a tenant token always sees its own tenant.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleUser | Where-Object RunningCount -gt 0 | Get-LoomcycleAgent</code>
    /// <para>Lists the running agents of every user that has any.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleUser -Subject alice -Tenant acme</code>
    /// <para>Shows everything the tenant 'acme' holds about 'alice' (admin token).</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleUser", DefaultParameterSetName = ListSet)]
    [OutputType(typeof(User), ParameterSetName = new[] { ListSet })]
    [OutputType(typeof(UserDirectoryEntry), ParameterSetName = new[] { SubjectSet })]
    public sealed class GetLoomcycleUserCommand : LoomcycleCmdlet
    {
        private const string ListSet = "List";
        private const string SubjectSet = "Subject";

        /// <summary>The subjects to show in the directory view.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = SubjectSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("UserId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SubjectCompleter))]
        public string[] Subject { get; set; } = System.Array.Empty<string>();

        /// <summary>The tenant to look in. Required with an admin token ('' = the default tenant); ignored for tenant tokens.</summary>
        [Parameter(ParameterSetName = SubjectSet, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(TenantCompleter))]
        public string? Tenant { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName != SubjectSet)
            {
                return;
            }

            foreach (string subject in Subject)
            {
                TryRun(subject, () => WriteObject(InvokeEngine((connection, token) => connection.GetUserDirectoryEntryAsync(subject, Tenant, token))));
            }
        }

        protected override void EndProcessing()
        {
            if (ParameterSetName == SubjectSet)
            {
                return;
            }

            TryRun(null, () =>
            {
                foreach (User user in InvokeEngine((connection, token) => connection.ListUsersAsync(token)))
                {
                    WriteObject(user);
                }
            });
        }
    }
}
