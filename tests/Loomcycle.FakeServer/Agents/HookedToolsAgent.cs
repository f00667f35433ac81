using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace Loomcycle.FakeServer;

/// <summary>
/// <c>hooked</c>: three tool calls, each through the registered hooks like the real loop (tool_call, the pre
/// chain, the tool or the deny, the post chain, tool_result): WebFetch {url}, Read {path} (its result names the
/// path it read, so a rewritten input shows) and Bash {command}; then text, usage, done.
/// </summary>
internal sealed class HookedToolsAgent : IFakeAgent
{
    public async Task RunAsync(AgentRunContext run)
    {
        run.Model = "fake-hooked";
        await run.EmitAsync("started", Frames.Started()).ConfigureAwait(false);
        await CallAsync(run, "WebFetch", new JsonObject { ["url"] = "https://example.com/" }, i => "<html><title>Example Domain</title></html>").ConfigureAwait(false);
        await CallAsync(run, "Read", new JsonObject { ["path"] = "/etc/hosts" }, i => "contents of " + (string?)i?["path"]).ConfigureAwait(false);
        await CallAsync(run, "Bash", new JsonObject { ["command"] = "date" }, i => "ran: " + (string?)i?["command"]).ConfigureAwait(false);
        await run.EmitTextAsync("All three tools answered.").ConfigureAwait(false);
        await run.EmitUsageAsync(20, 10).ConfigureAwait(false);
        await run.EmitDoneAsync().ConfigureAwait(false);
    }

    private static async Task CallAsync(AgentRunContext run, string tool, JsonObject input, System.Func<JsonNode?, string> execute)
    {
        string id = Ids.ToolUse();
        await run.EmitAsync("tool_call", Frames.ToolCall(id, tool, input.DeepClone())).ConfigureAwait(false);
        PreHookOutcome pre = await run.RunPreHooksAsync(id, tool, input).ConfigureAwait(false);
        (string text, bool isError) = pre.Denied ? (pre.DenyText!, pre.DenyIsError) : (execute(pre.Input), false);
        (text, isError) = await run.RunPostHooksAsync(id, tool, input, text, isError).ConfigureAwait(false);
        await run.EmitAsync("tool_result", Frames.ToolResult(id, tool, input.DeepClone(), text, isError)).ConfigureAwait(false);
    }
}
