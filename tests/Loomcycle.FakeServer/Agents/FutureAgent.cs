using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace Loomcycle.FakeServer;

/// <summary><c>future</c>: events a newer server may send: started, thinking, limit, steer, model_downgraded,
/// brand_new_event (unknown name, arbitrary fields), text, usage, done.</summary>
internal sealed class FutureAgent : IFakeAgent
{
    public async Task RunAsync(AgentRunContext run)
    {
        await run.EmitAsync("started", Frames.Started()).ConfigureAwait(false);
        await run.EmitAsync("thinking", Frames.Thinking("Considering the request...")).ConfigureAwait(false);
        await run.EmitAsync("limit", new JsonObject
        {
            ["type"] = "limit",
            ["limit"] = new JsonObject
            {
                ["scope"] = "user",
                ["scope_id"] = run.Run.UserId ?? "default",
                ["severity"] = "soft",
                ["window"] = "day",
                ["used"] = 900,
                ["limit"] = 1000,
                ["message"] = "90% of the daily token budget used",
            },
        }).ConfigureAwait(false);
        await run.EmitAsync("steer", new JsonObject
        {
            ["type"] = "steer",
            ["user_input"] = new JsonObject { ["text"] = "focus on the summary", ["source"] = "operator" },
        }, persist: false).ConfigureAwait(false);
        await run.EmitAsync("model_downgraded", new JsonObject
        {
            ["type"] = "model_downgraded",
            ["text"] = "switched from fake-large to fake-small",
            ["fallback"] = new JsonObject
            {
                ["failed_provider"] = "fake",
                ["failed_model"] = "fake-large",
                ["new_provider"] = "fake",
                ["new_model"] = "fake-small",
                ["attempt"] = 1,
                ["user_tier"] = "default",
                ["reason"] = "budget",
            },
        }).ConfigureAwait(false);
        await run.EmitAsync("brand_new_event", new JsonObject
        {
            ["type"] = "brand_new_event",
            ["answer"] = 42,
            ["nested"] = new JsonObject { ["list"] = new JsonArray(1, 2, 3), ["flag"] = true, ["nothing"] = null },
            ["html"] = "<b>&</b>",
            ["unicode"] = "héllo ✓ 😀",
        }).ConfigureAwait(false);
        await run.EmitTextAsync("ok").ConfigureAwait(false);
        await run.EmitUsageAsync(3, 1).ConfigureAwait(false);
        await run.EmitDoneAsync().ConfigureAwait(false);
    }
}
