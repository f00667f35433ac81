using System;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle.FakeServer;

/// <summary>Counts SSE streams whose client went away, and lets tests await them without races.</summary>
internal sealed class StreamAbortTracker
{
    private readonly object _lock = new();
    private int _count;
    private int _consumed;
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count
    {
        get { lock (_lock) return _count; }
    }

    public void Notify()
    {
        TaskCompletionSource old;
        lock (_lock)
        {
            _count++;
            old = _signal;
            _signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        old.TrySetResult();
    }

    /// <summary>Each call claims one abort: it returns at once if an unclaimed abort already happened.</summary>
    public async Task WaitNextAsync(TimeSpan timeout)
    {
        int target;
        lock (_lock) target = ++_consumed;
        try
        {
            await WaitForCountAsync(target, timeout).ConfigureAwait(false);
        }
        catch
        {
            lock (_lock) _consumed--;
            throw;
        }
    }

    public async Task WaitForCountAsync(int total, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task signal;
            lock (_lock)
            {
                if (_count >= total) return;
                signal = _signal.Task;
            }
            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"only {Count} of {total} client stream aborts observed within {timeout}");
            try
            {
                await signal.WaitAsync(left).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                lock (_lock) if (_count >= total) return;
                throw new TimeoutException($"only {Count} of {total} client stream aborts observed within {timeout}");
            }
        }
    }
}
