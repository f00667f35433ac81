using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Loomcycle
{
    /// <summary>A channel: its declaration and message statistics (GET /v1/_channels).</summary>
    public sealed class Channel : WireObject
    {
        public string Name { get; set; } = string.Empty;
        public string? Description { get; set; }

        /// <summary>global, tenant, user or agent.</summary>
        public string? Scope { get; set; }

        /// <summary>queue or topic.</summary>
        public string? Semantic { get; set; }
        public string? Publisher { get; set; }
        public string? Period { get; set; }

        /// <summary>Seconds a message lives by default; 0 or null = no TTL.</summary>
        public int? DefaultTtl { get; set; }

        /// <summary>Most messages kept; 0 or null = unbounded.</summary>
        public int? MaxMessages { get; set; }
        public long MessageCount { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? OldestVisibleAt { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? NewestVisibleAt { get; set; }

        /// <summary>yaml (declared by the operator, immutable), runtime (created over the API) or orphan.</summary>
        public string? Source { get; set; }
    }

    internal sealed class ChannelListEnvelope
    {
        public Channel[]? Channels { get; set; }
    }

    /// <summary>What a create or update sends; null fields stay off the wire.</summary>
    public sealed class ChannelDefinition
    {
        public string? Description { get; set; }
        public string? Scope { get; set; }
        public string? Semantic { get; set; }
        public int? DefaultTtl { get; set; }
        public int? MaxMessages { get; set; }
        public string? Publisher { get; set; }
        public string? Period { get; set; }
    }

    /// <summary>One published message, as the server acknowledged it.</summary>
    public sealed class ChannelPublishResult : WireObject
    {
        [JsonPropertyName("msg_id")]
        public string? Id { get; set; }
        public string Channel { get; set; } = string.Empty;

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? CreatedAt { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? VisibleAt { get; set; }

        /// <summary>Why this channel of a broadcast failed (broadcasts only).</summary>
        public string? Error { get; set; }

        /// <summary>The per-user channel's user (null for global channels).</summary>
        [JsonIgnore]
        public string? UserId { get; internal set; }
    }

    internal sealed class ChannelBroadcastEnvelope
    {
        public int Published { get; set; }
        public int Failed { get; set; }
        public ChannelPublishResult[]? Results { get; set; }
    }

    /// <summary>
    /// One message read from a channel. <see cref="PayloadJson"/> is the payload's exact JSON (Payload, added by the
    /// module's types file, reads it as objects). <see cref="Cursor"/> is what Confirm-LoomcycleChannelMessage commits
    /// to say this message and every one before it are done.
    /// </summary>
    public sealed class ChannelMessage
    {
        public string Id { get; set; } = string.Empty;
        public string Channel { get; set; } = string.Empty;
        public string? PayloadJson { get; set; }
        public DateTimeOffset? PublishedAt { get; set; }

        /// <summary>The per-user channel's user (null for global channels).</summary>
        public string? UserId { get; set; }

        /// <summary>The cursor just past this message: confirm it once the message is processed.</summary>
        public string? Cursor { get; set; }
    }

    internal sealed class WireChannelMessage
    {
        public string? Id { get; set; }

        [JsonConverter(typeof(RawJsonConverter))]
        public string? Value { get; set; }
        public string? PublishedAt { get; set; }
    }

    internal sealed class ChannelReadEnvelope
    {
        public string? Channel { get; set; }
        public WireChannelMessage[]? Messages { get; set; }
        public string? NextCursor { get; set; }
    }

    internal sealed class ChannelAwaitEnvelope
    {
        public bool Satisfied { get; set; }
        public bool TimedOut { get; set; }
        public string? Mode { get; set; }
        public string[]? Fired { get; set; }
        public int TotalMessages { get; set; }
        public Dictionary<string, ChannelReadEnvelope>? Results { get; set; }
    }

    /// <summary>A batch read from one channel: its messages and the cursor after the last one.</summary>
    public sealed class ChannelBatch
    {
        public ChannelBatch(string channel, ChannelMessage[] messages, string? nextCursor)
        {
            Channel = channel;
            Messages = messages;
            NextCursor = nextCursor;
        }

        public string Channel { get; }
        public ChannelMessage[] Messages { get; }
        public string? NextCursor { get; }
    }

    /// <summary>
    /// The answer of Wait-LoomcycleChannel: whether the condition was met or the wait timed out (not an error),
    /// which channels fired, and their messages (read without committing).
    /// </summary>
    public sealed class ChannelWaitResult
    {
        public bool Satisfied { get; set; }
        public bool TimedOut { get; set; }
        public string Mode { get; set; } = string.Empty;
        public string[] Fired { get; set; } = Array.Empty<string>();
        public int TotalMessages { get; set; }

        /// <summary>Every message of every channel, in channel order.</summary>
        public ChannelMessage[] Messages { get; set; } = Array.Empty<ChannelMessage>();

        /// <summary>Per channel: the cursor after its messages.</summary>
        public Dictionary<string, string?> NextCursor { get; set; } = new Dictionary<string, string?>(StringComparer.Ordinal);
    }

    internal sealed class ChannelPurgeEnvelope
    {
        public string? Name { get; set; }
        public int Purged { get; set; }
    }

    internal sealed class OkEnvelope
    {
        public bool Ok { get; set; }
    }
}
