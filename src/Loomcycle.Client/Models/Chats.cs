using System;
using System.Text.Json.Serialization;

namespace Loomcycle
{
    /// <summary>One chat (a session) from the server's history: its title, flags and usage totals.</summary>
    public sealed class Chat : WireObject
    {
        [JsonIgnore]
        public string? Scope { get; internal set; }

        [JsonPropertyName("session_id")]
        public string SessionId { get; set; } = string.Empty;
        public string? Title { get; set; }
        public string? Agent { get; set; }
        public string? TenantId { get; set; }
        public string? UserId { get; set; }
        public string? Status { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? CreatedAt { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? LastActivity { get; set; }
        public bool Pinned { get; set; }
        public bool Archived { get; set; }
        public string? Description { get; set; }
        public string[]? Tags { get; set; }
        public string? Summary { get; set; }
        public int RunCount { get; set; }
        public long InputTokens { get; set; }
        public long OutputTokens { get; set; }
        public double Cost { get; set; }
    }

    internal sealed class ChatListEnvelope
    {
        public string? Scope { get; set; }
        public Chat[]? Chats { get; set; }
        public int Total { get; set; }
        public int Limit { get; set; }
        public int Offset { get; set; }
    }

    internal sealed class ChatEnvelope
    {
        public string? Scope { get; set; }
        public Chat? Chat { get; set; }
        public string? Format { get; set; }
        public string? Markdown { get; set; }
    }

    /// <summary>A rendered chat: the metadata and the Markdown text.</summary>
    public sealed class ChatExport
    {
        public ChatExport(Chat chat, string format, string text)
        {
            Chat = chat;
            Format = format;
            Text = text;
        }

        public Chat Chat { get; }
        public string Format { get; }
        public string Text { get; }
    }
}
