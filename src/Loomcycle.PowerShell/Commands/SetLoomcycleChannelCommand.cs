using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Changes a channel's description, semantic, default TTL or message cap.</summary>
    /// <remarks>
    /// Calls PATCH /v1/_channels/{name} with only the fields given. Channels declared in the server's yaml cannot be
    /// changed (409). Writes nothing unless -PassThru.
    /// </remarks>
    /// <example>
    /// <code>Set-LoomcycleChannel work-items -MaxMessages 5000</code>
    /// <para>Raises the channel's cap.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleChannel 'tmp-*' | Set-LoomcycleChannel -DefaultTtlSec 3600 -PassThru</code>
    /// <para>Every temporary channel's messages now expire after an hour.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Set, "LoomcycleChannel", SupportsShouldProcess = true)]
    [OutputType(typeof(Channel))]
    public sealed class SetLoomcycleChannelCommand : LoomcycleCmdlet
    {
        /// <summary>The channel to change.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ChannelNameCompleter))]
        public string Name { get; set; } = string.Empty;

        /// <summary>A new description.</summary>
        [Parameter]
        public string? Description { get; set; }

        /// <summary>queue or topic.</summary>
        [Parameter]
        [ValidateSet("queue", "topic")]
        [LowerCase]
        public string? Semantic { get; set; }

        /// <summary>Seconds a message lives by default (0 = forever).</summary>
        [Parameter]
        [Alias("DefaultTtl")]
        [ValidateRange(0, int.MaxValue)]
        public int? DefaultTtlSec { get; set; }

        /// <summary>Most messages kept (0 = unbounded).</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int? MaxMessages { get; set; }

        /// <summary>Writes the channel as it is after the change.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (Description is null && Semantic is null && DefaultTtlSec is null && MaxMessages is null)
            {
                WriteError(LoomcycleErrors.From(new InvalidArgumentException("Nothing to change: give -Description, -Semantic, -DefaultTtlSec or -MaxMessages."), Name));
                return;
            }

            if (!ShouldProcess(Name, "Change channel"))
            {
                return;
            }

            var definition = new ChannelDefinition { Description = Description, Semantic = Semantic, DefaultTtl = DefaultTtlSec, MaxMessages = MaxMessages };
            TryRun(Name, () =>
            {
                Channel channel = InvokeEngine((connection, token) => connection.UpdateChannelAsync(Name, definition, token));
                if (PassThru)
                {
                    WriteObject(channel);
                }
            });
        }
    }
}
