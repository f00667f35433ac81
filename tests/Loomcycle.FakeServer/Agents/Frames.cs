using System.Text.Json.Nodes;

namespace Loomcycle.FakeServer;

/// <summary>Payload builders for the SSE frames of the real server (spec §1.5).</summary>
public static class Frames
{
    public static JsonObject Started() => new() { ["type"] = "started" };

    public static JsonObject Text(string text) => new() { ["type"] = "text", ["text"] = text };

    public static JsonObject Thinking(string text) => new() { ["type"] = "thinking", ["text"] = text };

    public static JsonObject Error(string message) => new() { ["type"] = "error", ["error"] = message };

    public static JsonObject ToolUse(string id, string name, JsonNode? input) =>
        new() { ["id"] = id, ["name"] = name, ["input"] = input };

    public static JsonObject ToolCall(string id, string name, JsonNode? input) =>
        new() { ["type"] = "tool_call", ["tool_use"] = ToolUse(id, name, input) };

    public static JsonObject ToolResult(string id, string name, JsonNode? input, string text, bool isError = false)
    {
        var o = new JsonObject { ["type"] = "tool_result", ["tool_use"] = ToolUse(id, name, input), ["text"] = text };
        if (isError) o["is_error"] = true;
        return o;
    }

    public static JsonObject Usage(JsonObject usage) => new() { ["type"] = "usage", ["usage"] = usage };

    public static JsonObject Done(JsonObject usage, string stopReason) =>
        new() { ["type"] = "done", ["usage"] = usage, ["stop_reason"] = stopReason };
}
