using System.Threading.Tasks;

namespace Loomcycle.FakeServer;

/// <summary><c>hold</c>: started, text "first", then holds the stream open until
/// <see cref="FakeLoomcycleServer.ReleaseHeld"/>, a cancel, or a disconnect; after a release: text "second", usage, done.</summary>
internal sealed class HoldAgent : IFakeAgent
{
    public async Task RunAsync(AgentRunContext run)
    {
        await run.EmitAsync("started", Frames.Started()).ConfigureAwait(false);
        await run.EmitTextAsync("first").ConfigureAwait(false);
        await run.WaitForReleaseAsync().ConfigureAwait(false);
        await run.EmitTextAsync("second").ConfigureAwait(false);
        await run.EmitUsageAsync(1, 2).ConfigureAwait(false);
        await run.EmitDoneAsync().ConfigureAwait(false);
    }
}
