using System;
using System.Text.Json.Serialization;

namespace Loomcycle
{
    /// <summary>A registered pre- or post-tool webhook.</summary>
    public sealed class Hook : WireObject
    {
        public string Id { get; set; } = string.Empty;
        public string Owner { get; set; } = string.Empty;
        public string Name { get; set; } = string.Empty;

        /// <summary>pre or post.</summary>
        public string Phase { get; set; } = string.Empty;

        /// <summary>Agent name patterns; null matches every agent.</summary>
        public string[]? Agents { get; set; }

        /// <summary>Tool name patterns; null matches every tool.</summary>
        public string[]? Tools { get; set; }
        public string CallbackUrl { get; set; } = string.Empty;

        /// <summary>open (default: pass through when the hook fails) or closed (deny).</summary>
        public string? FailMode { get; set; }

        /// <summary>As registered; 0 means the server's default of 5 s.</summary>
        public int TimeoutMs { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? RegisteredAt { get; set; }
        public string? Tenant { get; set; }
    }
}
