using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace Loomcycle.FakeServer;

/// <summary>
/// <c>tools</c>: started, text, tool_call(WebFetch, input object), usage, host_widened, tool_result, text, usage, done.
/// When the caller's tool narrowing (NEW <c>tools</c> / OLD <c>allowed_tools</c>) excludes WebFetch, the tool is
/// not called: started, text "WebFetch is not available to this run.", usage, done. Registered hooks see the
/// WebFetch call; a pre hook's deny gives tool_call, usage, tool_result (the deny), text, usage, done.
/// </summary>
internal sealed class ToolsAgent : IFakeAgent
{
    public const string ToolName = "WebFetch";
    public const string Url = "https://example.com/";

    public async Task RunAsync(AgentRunContext run)
    {
        run.Model = "fake-tools";
        await run.EmitAsync("started", Frames.Started()).ConfigureAwait(false);
        if (!run.IsToolAllowed(ToolName))
        {
            await run.EmitTextAsync(ToolName + " is not available to this run.").ConfigureAwait(false);
            await run.EmitUsageAsync(5, 7).ConfigureAwait(false);
            await run.EmitDoneAsync().ConfigureAwait(false);
            return;
        }
        string id = Ids.ToolUse();
        JsonObject Input() => new() { ["url"] = Url, ["max_bytes"] = 4096 };
        await run.EmitTextAsync("Let me fetch that page.").ConfigureAwait(false);
        await run.EmitAsync("tool_call", Frames.ToolCall(id, ToolName, Input())).ConfigureAwait(false);
        await run.EmitUsageAsync(12, 8).ConfigureAwait(false);
        // Registered hooks see the call like on the real server; without any this changes nothing.
        PreHookOutcome pre = await run.RunPreHooksAsync(id, ToolName, Input()).ConfigureAwait(false);
        if (pre.Denied)
        {
            (string text, bool isError) = await run.RunPostHooksAsync(id, ToolName, Input(), pre.DenyText!, pre.DenyIsError).ConfigureAwait(false);
            await run.EmitAsync("tool_result", Frames.ToolResult(id, ToolName, Input(), text, isError)).ConfigureAwait(false);
            await run.EmitTextAsync("I could not fetch the page.").ConfigureAwait(false);
            await run.EmitUsageAsync(30, 9).ConfigureAwait(false);
            await run.EmitDoneAsync().ConfigureAwait(false);
            return;
        }

        await run.EmitAsync("host_widened", new JsonObject
        {
            ["type"] = "host_widened",
            ["host_widening"] = new JsonObject
            {
                ["tool_call_id"] = id,
                ["tool_name"] = ToolName,
                ["url"] = Url,
                ["hook_owner"] = "fake-owner",
                ["hook_name"] = "fake-hook",
                ["hosts_added"] = new JsonArray("example.com"),
            },
        }).ConfigureAwait(false);
        (string page, bool failed) = await run.RunPostHooksAsync(id, ToolName, Input(), "<html><title>Example Domain</title></html>", false).ConfigureAwait(false);
        await run.EmitAsync("tool_result", Frames.ToolResult(id, ToolName, Input(), page, failed)).ConfigureAwait(false);
        await run.EmitTextAsync("The page title is \"Example Domain\".").ConfigureAwait(false);
        await run.EmitUsageAsync(30, 9).ConfigureAwait(false);
        await run.EmitDoneAsync().ConfigureAwait(false);
    }
}
