using System;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;

namespace Loomcycle
{
    /// <summary>
    /// One server-sent event of a run, as it arrived. <see cref="Type"/> is the event name
    /// (<c>session</c>, <c>agent</c>, <c>started</c>, <c>text</c>, <c>tool_call</c>, <c>usage</c>, <c>tool_result</c>,
    /// <c>done</c>, <c>error</c>, … and any name a newer server invents); the other properties are
    /// filled when that event carries them. <see cref="Data"/> is the frame's JSON exactly as sent.
    /// </summary>
    public sealed class RunEvent : WireObject
    {
        public string Type { get; set; } = string.Empty;

        /// <summary>
        /// The event's text: the delta of a <c>text</c> event, a tool's result on <c>tool_result</c>, the session id on
        /// <c>session</c>. A long one from a run stream is decoded from the frame when first read.
        /// </summary>
        [JsonConverter(typeof(DeferredTextConverter))]
        public string? Text
        {
            get
            {
                int deferred = Volatile.Read(ref _textTokenLength);
                return deferred == 0 ? _text : DecodeDeferredText(deferred);
            }

            set
            {
                _text = value;
                Volatile.Write(ref _textTokenLength, 0);
            }
        }

        public ToolUse? ToolUse { get; set; }
        public TokenUsage? Usage { get; set; }
        public string? Error { get; set; }
        public bool? IsError { get; set; }
        public string? StopReason { get; set; }
        public string? Reasoning { get; set; }
        public RetryInfo? Retry { get; set; }
        public FallbackInfo? Fallback { get; set; }
        public ChannelInfo? Channel { get; set; }
        public InterruptionInfo? Interruption { get; set; }
        public HostWideningInfo? HostWidening { get; set; }

        /// <summary>On <c>steer</c>: the operator's turn on an interactive run.</summary>
        public UserInputInfo? UserInput { get; set; }

        /// <summary>On <c>awaiting_input</c>: the interactive run parked and waits for Send-LoomcycleInput.</summary>
        public AwaitingInputInfo? AwaitingInput { get; set; }

        /// <summary>On <c>turn_cancelled</c>.</summary>
        public TurnCancelledInfo? TurnCancelled { get; set; }

        /// <summary>On <c>context_compaction</c>.</summary>
        public ContextCompactionInfo? ContextCompaction { get; set; }

        /// <summary>On <c>limit</c>: a token-budget warning.</summary>
        public LimitInfo? Limit { get; set; }

        /// <summary>On the <c>agent</c> event: the run's agent id.</summary>
        public string? AgentId { get; set; }
        public string? RunId { get; set; }

        /// <summary>On the <c>agent</c> event, and on the <c>session</c> event (whose <see cref="Text"/> is the id).</summary>
        public string? SessionId { get; set; }
        public string? ParentAgentId { get; set; }

        [JsonConverter(typeof(RawJsonConverter))]
        public string? ParentContext { get; set; }

        /// <summary>Position of this event in its stream, from 1.</summary>
        [JsonIgnore]
        public int Sequence { get; internal set; }

        /// <summary>When the event reached the client: when the read that brought the end of its frame returned.</summary>
        [JsonIgnore]
        public DateTimeOffset ReceivedAt { get; internal set; }

        internal const string TextFramePrefix = "{\"type\":\"text\",\"text\":\"";
        internal const string TextFrameSuffix = "\"}";

        // The frame's bytes until Data is first read: most consumers never read it, and decoding every frame to
        // UTF-16 cost more than parsing it. Frames that held a secret are stored masked, as text, instead. A plain
        // text delta keeps only its decoded text (the frame is TextFramePrefix + text + TextFrameSuffix, see FrameBytes).
        private string? _data;
        private object? _frame; // byte[] (the bytes at _utf8Offset, _utf8Length) or string (a plain delta's text)
        private int _utf8Offset;
        private int _utf8Length;

        // While _textTokenLength > 0, Text is the JSON string token at _textTokenStart of the frame's bytes, checked by
        // DeferredTextConverter (valid, no secret) and not yet decoded.
        private string? _text;
        private int _textTokenStart;
        private int _textTokenLength;

        /// <summary>The frame's <c>data:</c> JSON, exactly as the server sent it.</summary>
        [JsonIgnore]
        public string Data
        {
            get
            {
                string? data = _data;
                if (data is null)
                {
                    data = _frame switch
                    {
                        byte[] utf8 => System.Text.Encoding.UTF8.GetString(utf8, _utf8Offset, _utf8Length),
                        string text => TextFramePrefix + text + TextFrameSuffix,
                        _ => string.Empty,
                    };
                    _data = data;
                }

                return data;
            }

            internal set
            {
                int deferred = Volatile.Read(ref _textTokenLength);
                if (deferred != 0)
                {
                    DecodeDeferredText(deferred); // it reads the frame that is about to go
                }

                _data = value;
                _frame = null;
            }
        }

        /// <summary>
        /// Leaves <see cref="Text"/> as the string token at <paramref name="tokenStart"/> of the frame this event keeps as
        /// bytes (<see cref="SetUtf8Data"/> first), to be decoded when first read.
        /// </summary>
        internal void DeferText(int tokenStart, int tokenLength)
        {
            if (_frame is not byte[])
            {
                throw new InvalidOperationException("A deferred text needs the frame's bytes.");
            }

            _text = null;
            _textTokenStart = tokenStart;
            Volatile.Write(ref _textTokenLength, tokenLength);
        }

        /// <param name="tokenLength">The deferred token's length as the caller read it: another reader may have decoded the
        /// text (and zeroed the field) meanwhile.</param>
        private string? DecodeDeferredText(int tokenLength)
        {
            // Two readers at once both decode the same bytes to equal strings: harmless, and no lock on the common path.
            var reader = new Utf8JsonReader(new ReadOnlySpan<byte>((byte[])_frame!, _utf8Offset + _textTokenStart, tokenLength));
            reader.Read();
            string? text = reader.GetString();
            _text = text;
            Volatile.Write(ref _textTokenLength, 0);
            return text;
        }

        /// <summary>Keeps the frame's UTF-8 bytes (not copied: the caller gives this event its own range) for <see cref="Data"/>.</summary>
        internal void SetUtf8Data(byte[] buffer, int offset, int length)
        {
            _data = null;
            _frame = buffer;
            _utf8Offset = offset;
            _utf8Length = length;
        }

        /// <summary>Keeps a plain text delta's frame as its decoded text: the frame is exactly <see cref="TextFramePrefix"/> + <paramref name="text"/> + <see cref="TextFrameSuffix"/>.</summary>
        internal void SetTextFrameData(string text)
        {
            _data = null;
            _frame = text;
        }

        public override string ToString() => Type switch
        {
            "text" or "thinking" => Text ?? string.Empty,
            "error" => "error: " + Error,
            "done" => "done: " + StopReason,
            "tool_call" => "tool_call: " + ToolUse?.Name,
            "tool_result" => "tool_result: " + ToolUse?.Name,
            "steer" => "steer: " + UserInput?.Text,
            "awaiting_input" => "awaiting_input (turn " + AwaitingInput?.SinceTurn + ")",
            "turn_cancelled" => "turn_cancelled: " + TurnCancelled?.Reason,
            "context_compaction" => "context_compaction: " + ContextCompaction?.BeforeTokens + " -> " + ContextCompaction?.AfterTokens + " tokens",
            "limit" => "limit: " + (Limit?.Message ?? Limit?.Severity + " " + Limit?.Used + "/" + Limit?.Limit),
            "model_downgraded" => "model_downgraded: " + Text,
            _ => Type,
        };
    }

    /// <summary>A tool call as the model requested it; <see cref="Input"/> is the exact JSON of its arguments.</summary>
    public sealed class ToolUse : WireObject
    {
        public string? Id { get; set; }
        public string? Name { get; set; }

        [JsonConverter(typeof(RawJsonConverter))]
        public string? Input { get; set; }
    }

    /// <summary>Token usage as reported in stream events (per iteration on <c>usage</c>, run totals on <c>done</c>).</summary>
    public sealed class TokenUsage : WireObject
    {
        public long InputTokens { get; set; }
        public long OutputTokens { get; set; }
        public long? CacheCreationInputTokens { get; set; }
        public long? CacheReadInputTokens { get; set; }
        public string? Model { get; set; }
        public string? Provider { get; set; }
    }

    /// <summary>A provider back-off in progress.</summary>
    public sealed class RetryInfo : WireObject
    {
        public string? Provider { get; set; }
        public int Attempt { get; set; }
        public long WaitMs { get; set; }
        public string? Reason { get; set; }
    }

    /// <summary>A switch to another provider or model after a failure.</summary>
    public sealed class FallbackInfo : WireObject
    {
        public string? FailedProvider { get; set; }
        public string? FailedModel { get; set; }
        public string? NewProvider { get; set; }
        public string? NewModel { get; set; }
        public int Attempt { get; set; }
        public string? UserTier { get; set; }
        public string? Reason { get; set; }
        public string? CauseError { get; set; }
    }

    /// <summary>A channel publish or delivery made by a tool.</summary>
    public sealed class ChannelInfo : WireObject
    {
        [JsonPropertyName("channel")]
        public string? Name { get; set; }
        public string? MessageId { get; set; }
        public string? Scope { get; set; }
        public string? ScopeId { get; set; }
        public long PayloadBytes { get; set; }
        public string? PayloadPreview { get; set; }
        public bool? DroppedOldest { get; set; }
        public string? Cursor { get; set; }
    }

    /// <summary>An interrupt the run raised (<c>interruption_pending</c>); answer it with Resolve-LoomcycleInterrupt.</summary>
    public sealed class InterruptionInfo : WireObject
    {
        public string? InterruptId { get; set; }
        public string? Kind { get; set; }
        public string? Question { get; set; }

        [JsonConverter(typeof(RawJsonConverter))]
        public string? Options { get; set; }
        public string? Context { get; set; }
        public string? Priority { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? ExpiresAt { get; set; }
    }

    /// <summary>A hook widened the hosts a tool may reach (<c>host_widened</c>).</summary>
    public sealed class HostWideningInfo : WireObject
    {
        public string? ToolCallId { get; set; }
        public string? ToolName { get; set; }
        public string? Url { get; set; }
        public string? HookOwner { get; set; }
        public string? HookName { get; set; }
        public string[]? HostsAdded { get; set; }
    }
}
