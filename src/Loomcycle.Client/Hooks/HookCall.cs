using System;
using System.Text.Json;

namespace Loomcycle.Hooks
{
    /// <summary>
    /// One hook call as the server POSTs it to a callback URL (spec §13.4): the pre fields, plus the tool
    /// result for a post hook. Tool input is kept as its exact JSON text.
    /// </summary>
    public sealed class HookCall
    {
        /// <summary>pre or post.</summary>
        public string Phase { get; set; } = string.Empty;
        public string Owner { get; set; } = string.Empty;
        public string HookName { get; set; } = string.Empty;

        /// <summary>The agent's name.</summary>
        public string Agent { get; set; } = string.Empty;
        public string? UserId { get; set; }
        public string? AgentId { get; set; }
        public string ToolCallId { get; set; } = string.Empty;
        public string ToolName { get; set; } = string.Empty;

        /// <summary>The tool input as JSON text (for a post hook: the model's original input).</summary>
        public string ToolInputJson { get; set; } = "null";

        /// <summary>Post hooks only: the tool's result text (null for a pre hook).</summary>
        public string? ToolResultText { get; set; }
        public bool ToolResultIsError { get; set; }

        /// <summary>Reads a call body. Throws <see cref="FormatException"/> when it is not a JSON object.</summary>
        public static HookCall Parse(byte[] body)
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 256 });
                JsonElement root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException("the hook call is not a JSON object");
                }

                var call = new HookCall
                {
                    Phase = Str(root, "phase") ?? string.Empty,
                    Owner = Str(root, "owner") ?? string.Empty,
                    HookName = Str(root, "hook_name") ?? string.Empty,
                    Agent = Str(root, "agent") ?? string.Empty,
                    UserId = Str(root, "user_id"),
                    AgentId = Str(root, "agent_id"),
                };
                if (root.TryGetProperty("tool_call", out JsonElement toolCall) && toolCall.ValueKind == JsonValueKind.Object)
                {
                    call.ToolCallId = Str(toolCall, "id") ?? string.Empty;
                    call.ToolName = Str(toolCall, "name") ?? string.Empty;
                    if (toolCall.TryGetProperty("input", out JsonElement input))
                    {
                        call.ToolInputJson = input.GetRawText();
                    }
                }

                if (root.TryGetProperty("tool_result", out JsonElement result) && result.ValueKind == JsonValueKind.Object)
                {
                    call.ToolResultText = Str(result, "text") ?? string.Empty;
                    call.ToolResultIsError = result.TryGetProperty("is_error", out JsonElement isError) && isError.ValueKind == JsonValueKind.True;
                }

                return call;
            }
            catch (JsonException ex)
            {
                throw new FormatException("the hook call is not valid JSON: " + ex.Message, ex);
            }
        }

        private static string? Str(JsonElement element, string name) =>
            element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
