using System.Collections.Generic;
using System.Security;

namespace Loomcycle
{
    /// <summary>
    /// What a run or a continuation sends. Every property left null stays off the wire;
    /// an empty <see cref="AllowedHosts"/> or <see cref="Tools"/> array is sent as <c>[]</c> (deny all / no tools).
    /// </summary>
    public class RunInput
    {
        /// <summary>Shorthand for one user segment holding this text.</summary>
        public string? Prompt { get; set; }

        /// <summary>Shorthand for one system segment holding this text, placed first.</summary>
        public string? SystemPrompt { get; set; }

        /// <summary>Explicit segments, sent after the system prompt and before the prompt.</summary>
        public IList<PromptSegment>? Segments { get; set; }

        /// <summary>Tool names (trailing * globs) the run may use; sent as both <c>tools</c> (new servers) and <c>allowed_tools</c> (old ones).</summary>
        public string[]? Tools { get; set; }

        /// <summary>Hosts network tools may reach; <c>[]</c> denies every network call.</summary>
        public string[]? AllowedHosts { get; set; }

        /// <summary>keep or drop (the server treats anything else as drop).</summary>
        public string? WebSearchFilter { get; set; }

        public string? AgentId { get; set; }
        public string? UserTier { get; set; }

        /// <summary>A per-user credential forwarded to tools; never persisted by the server, never echoed by this client.</summary>
        public SecureString? UserBearer { get; set; }
    }

    /// <summary>A new run: POST /v1/runs.</summary>
    public sealed class RunRequest : RunInput
    {
        /// <summary>The agent definition to run (required).</summary>
        public string Agent { get; set; } = string.Empty;

        /// <summary>Appends the run to an existing session (its transcript is not replayed).</summary>
        public string? SessionId { get; set; }
        public string? TenantId { get; set; }
        public string? UserId { get; set; }

        /// <summary>An interactive run: it parks at <c>awaiting_input</c> after each turn instead of ending (sent only when true).</summary>
        public bool Interactive { get; set; }
    }

    /// <summary>A continuation of a session: POST /v1/sessions/{id}/messages (the transcript is replayed server-side).</summary>
    public sealed class ContinueRequest : RunInput
    {
        public string SessionId { get; set; } = string.Empty;
    }
}
