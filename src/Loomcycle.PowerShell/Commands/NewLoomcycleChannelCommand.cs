using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Creates a channel.</summary>
    /// <remarks>
    /// Calls POST /v1/_channels and writes the new channel. The name has 1 to 128 letters, digits, '_' or '-'
    /// (checked before sending). -Scope is global (the server's default; needs an admin token), tenant, user or agent;
    /// -Semantic is queue (each message to one consumer cursor) or topic. A name in use fails with a 409 error.
    /// Send-, Receive- and Confirm-LoomcycleChannelMessage reach a channel's global keyspace (or, with -UserId, a
    /// user's): the server's operator routes are global only, so a tenant or agent channel is for agents to use.
    /// </remarks>
    /// <example>
    /// <code>New-LoomcycleChannel -Name work-items -Scope tenant -Description 'Jobs for the worker agents' -DefaultTtlSec 86400</code>
    /// <para>A tenant queue for the tenant's agents, whose messages expire after a day.</para>
    /// </example>
    /// <example>
    /// <code>New-LoomcycleChannel results -Scope user -Semantic topic -MaxMessages 1000</code>
    /// <para>A per-user topic that keeps the latest 1000 messages.</para>
    /// </example>
    [Cmdlet(VerbsCommon.New, "LoomcycleChannel", SupportsShouldProcess = true)]
    [OutputType(typeof(Channel))]
    public sealed class NewLoomcycleChannelCommand : LoomcycleCmdlet
    {
        /// <summary>The channel's name: 1 to 128 letters, digits, '_' or '-'.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        /// <summary>What the channel is for.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Description { get; set; }

        /// <summary>global (the default; admin only), tenant, user or agent.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("global", "tenant", "user", "agent")]
        [LowerCase]
        public string? Scope { get; set; }

        /// <summary>queue (the default) or topic.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("queue", "topic")]
        [LowerCase]
        public string? Semantic { get; set; }

        /// <summary>Seconds a message lives unless the publisher says otherwise (0 = forever).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("DefaultTtl")]
        [ValidateRange(0, int.MaxValue)]
        public int? DefaultTtlSec { get; set; }

        /// <summary>Most messages kept; older ones are dropped (0 = unbounded).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(0, int.MaxValue)]
        public int? MaxMessages { get; set; }

        /// <summary>Who publishes (free text, not enforced).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Publisher { get; set; }

        /// <summary>A retention hint (free text, not enforced).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Period { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Name, "Create channel"))
            {
                return;
            }

            var definition = new ChannelDefinition
            {
                Description = Description,
                Scope = Scope,
                Semantic = Semantic,
                DefaultTtl = DefaultTtlSec,
                MaxMessages = MaxMessages,
                Publisher = Publisher,
                Period = Period,
            };
            TryRun(Name, () => WriteObject(InvokeEngine((connection, token) => connection.CreateChannelAsync(Name, definition, token))));
        }
    }
}
