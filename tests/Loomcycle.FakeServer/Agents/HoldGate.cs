using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle.FakeServer;

/// <summary>The release signal of the <c>hold</c> agent: every call to <see cref="Release"/> frees all current waiters.</summary>
internal sealed class HoldGate
{
    private TaskCompletionSource _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiting;

    public int Waiting => Volatile.Read(ref _waiting);

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        Task release = Volatile.Read(ref _tcs).Task;
        Interlocked.Increment(ref _waiting);
        try
        {
            await release.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    public void Release()
    {
        var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _tcs, next).TrySetResult();
    }
}
