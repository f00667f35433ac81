using System;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace Loomcycle.FakeServer;

/// <summary>
/// <c>interrupt</c>: started, tool_call(AskUser), interruption_pending (a pending question with options
/// ["yes","no"] is stored for the run's user), then usage and done. When the input contains "wait" the agent
/// instead parks until the interrupt is resolved (or the run is cancelled), then emits tool_result (the answer),
/// text "You answered: X", usage, done.
/// </summary>
internal sealed class InterruptAgent : IFakeAgent
{
    public const string ToolName = "AskUser";

    public async Task RunAsync(AgentRunContext run)
    {
        await run.EmitAsync("started", Frames.Started()).ConfigureAwait(false);
        string question = string.IsNullOrWhiteSpace(run.InputText) || run.InputText.Trim().Equals("wait", StringComparison.OrdinalIgnoreCase)
            ? "Proceed with the deployment?"
            : run.InputText;
        string toolId = Ids.ToolUse();
        JsonObject Input() => new() { ["question"] = question, ["options"] = new JsonArray("yes", "no") };
        await run.EmitAsync("tool_call", Frames.ToolCall(toolId, ToolName, Input())).ConfigureAwait(false);

        InterruptRecord row = run.State.AddInterrupt(new InterruptRecord
        {
            RunId = run.Run.RunId,
            Kind = "question",
            Question = question,
            OptionsJson = "[\"yes\",\"no\"]",
            ContextData = "asked by the fake interrupt agent",
            UserId = run.Run.UserId,
            AgentId = run.Run.AgentId,
            AgentName = run.Run.Agent,
            TenantId = run.Run.TenantId,
        });
        await run.EmitAsync("interruption_pending", new JsonObject
        {
            ["type"] = "interruption_pending",
            ["interruption"] = new JsonObject
            {
                ["interrupt_id"] = row.InterruptId,
                ["kind"] = row.Kind,
                ["question"] = question,
                ["options"] = new JsonArray("yes", "no"),
                ["context"] = row.ContextData,
                ["priority"] = row.Priority,
            },
        }).ConfigureAwait(false);

        if (run.InputText.Contains("wait", StringComparison.OrdinalIgnoreCase))
        {
            InterruptRecord resolved = await run.State.WaitForResolutionAsync(row.InterruptId, run.Cancellation).ConfigureAwait(false);
            string answer = resolved.Answer ?? resolved.Status;
            await run.EmitAsync("tool_result", Frames.ToolResult(toolId, ToolName, Input(), answer)).ConfigureAwait(false);
            await run.EmitUsageAsync(4, 3).ConfigureAwait(false);
            await run.EmitTextAsync("You answered: " + answer).ConfigureAwait(false);
        }
        else
        {
            await run.EmitUsageAsync(4, 3).ConfigureAwait(false);
        }
        await run.EmitDoneAsync().ConfigureAwait(false);
    }
}
