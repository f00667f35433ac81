using System.Globalization;
using System.Threading.Tasks;

namespace Loomcycle.FakeServer;

/// <summary><c>chatty</c>: started, N tiny text deltas <c>"tok1 "</c>…<c>"tokN "</c> (N = the input if it is an
/// integer, else 1000), usage, done. For throughput benchmarks; honours TextDeltaDelay.</summary>
internal sealed class ChattyAgent : IFakeAgent
{
    public const int DefaultCount = 1000;

    public async Task RunAsync(AgentRunContext run)
    {
        run.Model = "fake-chatty";
        int n = int.TryParse(run.InputText.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int parsed) && parsed >= 0 ? parsed : DefaultCount;
        await run.EmitAsync("started", Frames.Started()).ConfigureAwait(false);
        for (int i = 1; i <= n; i++) await run.EmitTextAsync("tok" + i.ToString(CultureInfo.InvariantCulture) + " ").ConfigureAwait(false);
        await run.EmitUsageAsync(1, n).ConfigureAwait(false);
        await run.EmitDoneAsync().ConfigureAwait(false);
    }
}
