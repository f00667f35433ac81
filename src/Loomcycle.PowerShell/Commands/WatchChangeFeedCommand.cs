using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>What Watch-LoomcycleMemory and Watch-LoomcycleDocument share: the feed, -Since and -TimeoutSec.</summary>
    public abstract class WatchChangeFeedCommand : LoomcycleCmdlet
    {
        /// <summary>Set once the server opened the feed: a connection failure after that is a broken feed, which -Since resumes.</summary>
        private volatile bool _opened;

        /// <summary>Starts after this sequence number: the Seq of the last change already handled (default 0, the feed's start).</summary>
        [Parameter(Position = 0)]
        [ValidateRange(0, long.MaxValue)]
        public long? Since { get; set; }

        /// <summary>Stops watching after this many seconds (not an error). Without it the feed is read until Ctrl+C.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? TimeoutSec { get; set; }

        /// <summary>memory or document.</summary>
        protected abstract string Feed { get; }

        protected override void ProcessRecord()
        {
            long last = Since ?? 0;
            TryRun(
                Feed,
                () => Stream((connection, token) => Read(connection, token), change =>
                {
                    last = Math.Max(last, change.Seq);
                    WriteObject(change);
                }),
                ex => (ex is LoomcycleConnectionException || ex is LoomcycleTimeoutException) && _opened ? $"Run the command again with -Since {last} to resume where the feed broke." : null);
        }

        private async IAsyncEnumerable<MemoryChange> Read(LoomcycleConnection connection, [EnumeratorCancellation] CancellationToken token)
        {
            using var window = CancellationTokenSource.CreateLinkedTokenSource(token);
            LiveStreams.CancelAfter(window, TimeoutSec);

            string feed = Feed;
            IAsyncEnumerator<MemoryChange> changes = connection.WatchChangesAsync(feed, Since, status => Report(feed, status), window.Token).GetAsyncEnumerator(window.Token);
            try
            {
                while (true)
                {
                    bool next;
                    try
                    {
                        next = await changes.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!token.IsCancellationRequested)
                    {
                        yield break; // -TimeoutSec passed: the watch ends quietly
                    }
                    catch (LoomcycleException) when (window.IsCancellationRequested && !token.IsCancellationRequested)
                    {
                        yield break;
                    }

                    if (!next)
                    {
                        yield break;
                    }

                    yield return changes.Current;
                }
            }
            finally
            {
                await changes.DisposeAsync().ConfigureAwait(false);
            }
        }

        private void Report(string feed, ChangeFeedStatus status)
        {
            _opened = true;
            CallDiagnostics.Verbose($"The {feed} change feed is open from seq {status.Since}; capture {(status.Enabled ? "on" : "off")}; embedder {status.Embedder}.");
            if (!status.Enabled)
            {
                CallDiagnostics.Warning($"Change capture is off on this server (LOOMCYCLE_MEMORY_CHANGES_ENABLED): the {feed} feed will stay empty.");
            }
        }
    }
}
