using System;
using System.Globalization;
using System.Threading.Tasks;

namespace Loomcycle.FakeServer;

/// <summary><c>slow</c>: started, 10 text deltas <c>"slow1 "</c>…<c>"slow10 "</c> one every 200 ms, usage, done.</summary>
internal sealed class SlowAgent : IFakeAgent
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    public const int Count = 10;

    public async Task RunAsync(AgentRunContext run)
    {
        await run.EmitAsync("started", Frames.Started()).ConfigureAwait(false);
        for (int i = 1; i <= Count; i++)
        {
            await run.DelayAsync(Interval).ConfigureAwait(false);
            await run.EmitTextAsync("slow" + i.ToString(CultureInfo.InvariantCulture) + " ").ConfigureAwait(false);
        }
        await run.EmitUsageAsync(1, Count).ConfigureAwait(false);
        await run.EmitDoneAsync().ConfigureAwait(false);
    }
}
