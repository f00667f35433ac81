using System.Collections.Generic;
using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets channels: their declaration and how many messages they hold.</summary>
    /// <remarks>
    /// Calls GET /v1/_channels: channels declared in the server's yaml (Source yaml, read-only), created over the API
    /// (runtime) and orphans (messages without a declaration), sorted by name, with MessageCount and the oldest and
    /// newest visible times. -Name filters by name, wildcards allowed, on this side.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleChannel</code>
    /// <para>Every channel.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleChannel 'work-*' | Where-Object MessageCount -gt 0</code>
    /// <para>Work channels that hold messages.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleChannel")]
    [OutputType(typeof(Channel))]
    public sealed class GetLoomcycleChannelCommand : LoomcycleCmdlet
    {
        /// <summary>Only channels whose name matches one of these (wildcards allowed).</summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ChannelNameCompleter))]
        public string[]? Name { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(null, () =>
            {
                var patterns = new List<WildcardPattern>();
                foreach (string n in Name ?? System.Array.Empty<string>())
                {
                    patterns.Add(new WildcardPattern(n, WildcardOptions.IgnoreCase));
                }

                foreach (Channel channel in InvokeEngine((connection, token) => connection.ListChannelsAsync(token)))
                {
                    if (patterns.Count == 0 || patterns.Exists(p => p.IsMatch(channel.Name)))
                    {
                        WriteObject(channel);
                    }
                }
            });
        }
    }
}
