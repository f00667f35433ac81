using System.Threading.Tasks;

namespace Loomcycle.FakeServer;

/// <summary><c>fail</c>: started, then the two error frames of an in-stream provider error, and no done.</summary>
internal sealed class FailAgent : IFakeAgent
{
    public const string RawError = "anthropic 500: overloaded";

    public async Task RunAsync(AgentRunContext run)
    {
        await run.EmitAsync("started", Frames.Started()).ConfigureAwait(false);
        await run.EmitErrorAsync(RawError).ConfigureAwait(false);
        await run.EmitErrorAsync("provider error: " + RawError).ConfigureAwait(false);
    }
}
