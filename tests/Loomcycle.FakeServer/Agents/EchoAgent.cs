using System.Threading.Tasks;

namespace Loomcycle.FakeServer;

/// <summary><c>echo</c>: started, the input text in ~3 text deltas, usage, done(end_turn).</summary>
internal sealed class EchoAgent : IFakeAgent
{
    public async Task RunAsync(AgentRunContext run)
    {
        run.Model = "fake-echo";
        await run.EmitAsync("started", Frames.Started()).ConfigureAwait(false);
        var parts = TextSplitter.Split(run.InputText, 3);
        foreach (string part in parts) await run.EmitTextAsync(part).ConfigureAwait(false);
        int words = run.InputText.Split(' ', System.StringSplitOptions.RemoveEmptyEntries).Length;
        await run.EmitUsageAsync(words, parts.Count).ConfigureAwait(false);
        await run.EmitDoneAsync().ConfigureAwait(false);
    }
}
