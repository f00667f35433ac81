using System;
using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Publishes messages to channels: each piped object is one message.</summary>
    /// <remarks>
    /// Calls POST /v1/_channels/{name}/publish (or /v1/users/{user_id}/channels/{name}/publish with -UserId) once per
    /// payload. Several -Channel names make one atomic broadcast (POST /v1/_channels/_broadcast, at most 32 channels):
    /// the server checks every channel before publishing to any. -Payload takes any object and sends it as JSON;
    /// -Json sends exact text. Names with '/' are escaped as one path segment. Input the server would refuse with a
    /// bare 500 (a null payload, text that is not JSON, more than 32 channels) is refused here with a clear error,
    /// before anything is sent. -DeliverAt defers delivery. Writes nothing unless -PassThru (then one result per
    /// channel, with the message Id).
    /// </remarks>
    /// <example>
    /// <code>Send-LoomcycleChannelMessage -Channel work-items -Payload @{ ticket = 'T-17'; action = 'triage' }</code>
    /// <para>Publishes one message.</para>
    /// </example>
    /// <example>
    /// <code>Import-Csv ./tickets.csv | Send-LoomcycleChannelMessage -Channel work-items -PassThru</code>
    /// <para>One message per CSV row; writes each message's id.</para>
    /// </example>
    /// <example>
    /// <code>Send-LoomcycleChannelMessage -Channel alerts, audit -Payload @{ level = 'warn' } -DeliverAt (Get-Date).AddMinutes(5)</code>
    /// <para>One atomic broadcast to two channels, delivered in five minutes.</para>
    /// </example>
    [Cmdlet(VerbsCommunications.Send, "LoomcycleChannelMessage", SupportsShouldProcess = true, DefaultParameterSetName = PayloadSet)]
    [OutputType(typeof(ChannelPublishResult))]
    public sealed class SendLoomcycleChannelMessageCommand : LoomcycleCmdlet
    {
        private const string PayloadSet = "Payload";
        private const string JsonSet = "Json";

        /// <summary>The channel, or several for one atomic broadcast (at most 32).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        [ValidateCount(1, LoomcycleConnection.MaxChannelsPerCall)]
        [ArgumentCompleter(typeof(ChannelNameCompleter))]
        public string[] Channel { get; set; } = Array.Empty<string>();

        /// <summary>The message: any object, sent as JSON. Each piped object is one message.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ParameterSetName = PayloadSet)]
        [AllowNull]
        public object? Payload { get; set; }

        /// <summary>The message as JSON text, sent exactly as given.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = JsonSet)]
        [AllowEmptyString]
        public string? Json { get; set; }

        /// <summary>Delivers the message at this time instead of now.</summary>
        [Parameter]
        public DateTimeOffset? DeliverAt { get; set; }

        /// <summary>Publishes to this user's channel (the per-user route) instead of the global one.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? UserId { get; set; }

        /// <summary>Writes the server's answer: the message Id, Channel, CreatedAt and VisibleAt.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            string target = Channel.Length == 1 ? Channel[0] : string.Join(", ", Channel);
            string json;
            try
            {
                if (ParameterSetName == JsonSet)
                {
                    json = Json ?? string.Empty;
                }
                else
                {
                    if (Payload is null || (Payload is PSObject ps && ps.BaseObject is null))
                    {
                        throw new InvalidArgumentException("The payload must not be null: the server needs a JSON value to publish.");
                    }

                    json = JsonFromObject.Convert(Payload);
                }
            }
            catch (LoomcycleException ex)
            {
                WriteError(LoomcycleErrors.From(ex, Channel[0]));
                return;
            }

            if (!ShouldProcess(UserId is null ? target : $"{target} (user {UserId})", "Publish message"))
            {
                return;
            }

            if (Channel.Length == 1)
            {
                string channel = Channel[0];
                TryRun(channel, () =>
                {
                    ChannelPublishResult result = InvokeEngine((connection, token) => connection.PublishChannelAsync(channel, json, DeliverAt, UserId, token));
                    if (PassThru)
                    {
                        WriteObject(result);
                    }
                });
                return;
            }

            TryRun(Channel[0], () =>
            {
                ChannelPublishResult[] results = InvokeEngine((connection, token) => connection.BroadcastChannelsAsync(Channel, json, DeliverAt, UserId, token));
                foreach (ChannelPublishResult result in results)
                {
                    if (!string.IsNullOrEmpty(result.Error))
                    {
                        WriteError(LoomcycleErrors.From(ChannelPublishFailedException.From(result), result.Channel));
                    }
                    else if (PassThru)
                    {
                        WriteObject(result);
                    }
                }
            });
        }
    }
}
