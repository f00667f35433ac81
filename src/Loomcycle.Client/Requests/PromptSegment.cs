using System.Collections.Generic;

namespace Loomcycle
{
    /// <summary>
    /// One input segment of a run: a role (<c>user</c> or <c>system</c>) and its content blocks.
    /// From PowerShell a hashtable converts to it: <c>@{ Role = 'user'; Content = @(@{ Text = 'hi' }) }</c>.
    /// </summary>
    public sealed class PromptSegment
    {
        public PromptSegment() { }

        public PromptSegment(string role, string text)
        {
            Role = role;
            Content = new List<PromptContent> { new PromptContent { Text = text } };
        }

        /// <summary>user or system; the server drops any other role, so the client refuses it.</summary>
        public string Role { get; set; } = "user";

        public IList<PromptContent> Content { get; set; } = new List<PromptContent>();
    }

    /// <summary>A content block of a segment.</summary>
    public sealed class PromptContent
    {
        /// <summary>trusted-text (default), untrusted-block, or image (newer servers).</summary>
        public string Type { get; set; } = "trusted-text";

        public string? Text { get; set; }

        /// <summary>Lets the provider cache this block.</summary>
        public bool? Cacheable { get; set; }

        /// <summary>For untrusted blocks: untrusted, web_content, uploaded_cv, qa_question, user_input, tool_output, search_result.</summary>
        public string? Kind { get; set; }

        /// <summary>For image blocks: the media type, e.g. image/png.</summary>
        public string? MediaType { get; set; }

        /// <summary>For image blocks: base64 data.</summary>
        public string? Data { get; set; }
    }
}
