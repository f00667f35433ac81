using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle.PowerShell
{
    /// <summary>Helpers for the long-running readers (Watch-, Receive-, Enter-): an overall time limit that ends them quietly.</summary>
    internal static class LiveStreams
    {
        /// <summary>
        /// Cancels <paramref name="source"/> after <paramref name="timeoutSec"/> seconds. A timer reaches ~24.8 days at most
        /// (int.MaxValue ms; CancelAfter throws beyond), so a longer limit ([int]::MaxValue, meant as none) is no limit.
        /// </summary>
        public static void CancelAfter(CancellationTokenSource source, int? timeoutSec)
        {
            if (timeoutSec is int seconds && seconds < int.MaxValue / 1000)
            {
                source.CancelAfter(TimeSpan.FromSeconds(seconds));
            }
        }

        /// <summary>Yields from <paramref name="source"/> until it ends or <paramref name="timeoutSec"/> passes (then it just stops).</summary>
        public static async IAsyncEnumerable<T> Until<T>(Func<CancellationToken, IAsyncEnumerable<T>> source, int? timeoutSec, [EnumeratorCancellation] CancellationToken token)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(token);
            CancelAfter(limit, timeoutSec);

            IAsyncEnumerator<T> items = source(limit.Token).GetAsyncEnumerator(limit.Token);
            try
            {
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await items.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch (Exception ex) when (limit.IsCancellationRequested && !token.IsCancellationRequested && (ex is OperationCanceledException || ex is LoomcycleException))
                    {
                        CallDiagnostics.Verbose($"Stopped after {timeoutSec} s (-TimeoutSec).");
                        yield break;
                    }

                    if (!more)
                    {
                        yield break;
                    }

                    yield return items.Current;
                }
            }
            finally
            {
                try
                {
                    await items.DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception) when (limit.IsCancellationRequested)
                {
                    // Cancelled mid-read; nothing left to release.
                }
            }
        }
    }
}
