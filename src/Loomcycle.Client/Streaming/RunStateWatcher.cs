using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    /// <summary>What to watch with <see cref="LoomcycleConnection.WatchRunStatesAsync"/>.</summary>
    public sealed class RunStateWatchOptions
    {
        /// <summary>The user whose runs are watched (required).</summary>
        public string UserId { get; set; } = string.Empty;

        /// <summary>Only these statuses (running, completed, failed, cancelled); null or empty: all.</summary>
        public string[]? Statuses { get; set; }

        /// <summary>Only runs of this agent definition (exact name).</summary>
        public string? Agent { get; set; }

        /// <summary>Tenant focus (honoured for admin tokens only).</summary>
        public string? Tenant { get; set; }

        /// <summary>Also yields the state every listed run is in when the watch starts (otherwise only changes are yielded).</summary>
        public bool IncludeExisting { get; set; }

        /// <summary>The first pause before reconnecting after a failure; doubles per failure up to <see cref="MaximumReconnectDelay"/>.</summary>
        public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

        public TimeSpan MaximumReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Extra states found on every (re)connect, besides the listing (used by waits that GET their runs).</summary>
        internal Func<CancellationToken, Task<IReadOnlyList<RunState>>>? Reconcile { get; set; }
    }

    /// <summary>
    /// The run-state stream made whole: the server ends it every 30 minutes and drops events for a slow subscriber,
    /// and it has no resume cursor. The watcher reconnects (at once after a normal end, with back-off after a failure)
    /// and lists the user's runs on every connect, emitting what changed meanwhile. It remembers the last status of
    /// every run, so a change is yielded once whether it came from the stream or the listing, and a terminal state
    /// is final: nothing about that run is yielded again (until it has left the listing, when it is forgotten).
    /// </summary>
    internal sealed class RunStateWatcher
    {
        private readonly LoomcycleConnection _connection;
        private readonly RunStateWatchOptions _options;
        private readonly Dictionary<string, string> _known = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly HashSet<string>? _statuses;

        public RunStateWatcher(LoomcycleConnection connection, RunStateWatchOptions options)
        {
            _connection = connection;
            _options = options ?? throw new ArgumentNullException(nameof(options));
            if (options.Statuses is { Length: > 0 } statuses)
            {
                foreach (string status in statuses)
                {
                    if (Array.IndexOf(LoomcycleConnection.RunStatuses, status) < 0)
                    {
                        throw new InvalidArgumentException($"Status must be one of {string.Join(", ", LoomcycleConnection.RunStatuses)}, not '{status}'.") { Target = options.UserId };
                    }
                }

                _statuses = new HashSet<string>(statuses, StringComparer.Ordinal);
            }
        }

        /// <summary>Successful connects so far.</summary>
        public int Connections { get; private set; }

        public async IAsyncEnumerable<RunState> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (!_options.IncludeExisting)
            {
                // The state before the watch begins; only what changes after it is yielded.
                foreach (Agent row in await _connection.ListUserRunsAsync(_options.UserId, _options.Tenant, cancellationToken).ConfigureAwait(false))
                {
                    _known[row.RunId] = row.Status;
                }
            }

            int failures = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (failures > 0)
                {
                    TimeSpan delay = Backoff(failures);
                    LoomcycleDiagnostics.Verbose($"Reconnecting the run-state stream of '{_options.UserId}' in {delay.TotalSeconds:0.#} s.");
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }

                HttpResponseMessage response;
                try
                {
                    response = await _connection.OpenRunStateStreamAsync(_options.UserId, _statuses?.ToArray(), _options.Agent, _options.Tenant, cancellationToken).ConfigureAwait(false);
                }
                catch (LoomcycleException ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
                {
                    failures++;
                    LoomcycleDiagnostics.Warning($"The run-state stream of '{_options.UserId}' could not be opened ({ex.Message}); retrying.");
                    continue;
                }

                using (response)
                using (cancellationToken.Register(static r => ((HttpResponseMessage)r!).Dispose(), response))
                {
                    // Listed after the stream is open: a change is either in the listing or still to come on the stream.
                    IReadOnlyList<RunState>? listed = await TryReconcileAsync(cancellationToken).ConfigureAwait(false);
                    if (listed is null)
                    {
                        failures++;
                        continue;
                    }

                    Connections++;
                    failures = 0;
                    var lived = System.Diagnostics.Stopwatch.StartNew();
                    foreach (RunState state in listed)
                    {
                        if (Accept(state))
                        {
                            yield return state;
                        }
                    }

                    ForgetEndedRunsNotIn(listed);

                    Stream body = await LoomcycleConnection.ReadStreamAsync(response.Content, cancellationToken).ConfigureAwait(false);
                    using var guarded = new GuardedEventStream(body, _connection.Options.MaximumEventBytes, _connection.Options.StreamIdleTimeout);
                    IAsyncEnumerator<SseItem<RunState?>> items = SseParser.Create(guarded, Parse).EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
                    try
                    {
                        while (true)
                        {
                            Exception? broken = await TryMoveNextAsync(items).ConfigureAwait(false);
                            if (broken is not null)
                            {
                                if (cancellationToken.IsCancellationRequested)
                                {
                                    throw new OperationCanceledException(cancellationToken);
                                }

                                if (broken is LoomcycleException loomcycle && !IsTransient(loomcycle))
                                {
                                    throw loomcycle;
                                }

                                failures++;
                                LoomcycleDiagnostics.Warning($"The run-state stream of '{_options.UserId}' broke ({_connection.Redact(broken.Message)}); reconnecting.");
                                break;
                            }

                            if (_ended)
                            {
                                LoomcycleDiagnostics.Verbose($"The server ended the run-state stream of '{_options.UserId}'; reconnecting.");
                                if (lived.Elapsed < ShortestHealthyConnection)
                                {
                                    failures++; // a server that ends the stream at once is not hammered in a tight loop
                                }

                                break;
                            }

                            if (items.Current.Data is RunState state && Accept(state))
                            {
                                yield return state;
                            }
                        }
                    }
                    finally
                    {
                        _ended = false;
                        await items.DisposeAsync().ConfigureAwait(false);
                    }
                }
            }
        }

        private bool _ended;

        /// <summary>A stream the server ends sooner than this after it opened is reconnected with back-off, not at once.</summary>
        internal static readonly TimeSpan ShortestHealthyConnection = TimeSpan.FromMilliseconds(250);

        /// <summary>Moves on; a failure comes back as the exception, the normal end sets <see cref="_ended"/>.</summary>
        private async Task<Exception?> TryMoveNextAsync(IAsyncEnumerator<SseItem<RunState?>> items)
        {
            try
            {
                _ended = !await items.MoveNextAsync().ConfigureAwait(false);
                return null;
            }
            catch (Exception ex) when (ex is IOException || ex is HttpRequestException || ex is ObjectDisposedException || ex is LoomcycleException || ex is OperationCanceledException)
            {
                return ex;
            }
        }

        /// <summary>The listing (and any extra reconcile) as states, oldest change first; null when it failed transiently.</summary>
        private async Task<IReadOnlyList<RunState>?> TryReconcileAsync(CancellationToken cancellationToken)
        {
            try
            {
                var states = new List<RunState>();
                foreach (Agent row in await _connection.ListUserRunsAsync(_options.UserId, _options.Tenant, cancellationToken).ConfigureAwait(false))
                {
                    if (string.IsNullOrEmpty(_options.Agent) || row.AgentName == _options.Agent)
                    {
                        states.Add(RunState.FromAgent(row));
                    }
                }

                if (_options.Reconcile is { } extra)
                {
                    states.AddRange(await extra(cancellationToken).ConfigureAwait(false));
                }

                return states.OrderBy(s => s.Timestamp ?? DateTimeOffset.MinValue).ToList();
            }
            catch (LoomcycleException ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                LoomcycleDiagnostics.Warning($"Listing the runs of '{_options.UserId}' failed ({ex.Message}); reconnecting.");
                return null;
            }
        }

        /// <summary>Runs whose last status the watcher remembers (tests).</summary>
        internal int KnownRuns => _known.Count;

        /// <summary>
        /// Forgets the runs that have ended and are no longer in the listing: it holds the user's newest 100 runs, so an
        /// ended run that left it has nothing more to say, and a watch left running for weeks would otherwise remember
        /// every run it ever saw. Runs still going are kept, listed or not.
        /// </summary>
        private void ForgetEndedRunsNotIn(IReadOnlyList<RunState> listed)
        {
            if (_known.Count <= listed.Count)
            {
                return;
            }

            var stillListed = new HashSet<string>(listed.Select(Key), StringComparer.Ordinal);
            List<string> ended = _known.Where(run => LiveStatus.IsTerminal(run.Value) && !stillListed.Contains(run.Key)).Select(run => run.Key).ToList();
            foreach (string key in ended)
            {
                _known.Remove(key);
            }
        }

        private static string Key(RunState state) => string.IsNullOrEmpty(state.RunId) ? state.AgentId : state.RunId;

        /// <summary>True when the state is news: a changed status of a run not yet terminal, and one the filter admits.</summary>
        private bool Accept(RunState state)
        {
            string key = Key(state);
            if (_known.TryGetValue(key, out string? previous) && (previous == state.Status || LiveStatus.IsTerminal(previous)))
            {
                return false;
            }

            _known[key] = state.Status;
            return _statuses is null || _statuses.Contains(state.Status);
        }

        private TimeSpan Backoff(int failures)
        {
            double seconds = _options.ReconnectDelay.TotalSeconds * Math.Pow(2, Math.Min(failures - 1, 16));
            return TimeSpan.FromSeconds(Math.Min(seconds, _options.MaximumReconnectDelay.TotalSeconds));
        }

        internal static bool IsTransient(LoomcycleException ex) => ex switch
        {
            WaitTimeoutException => false,
            LoomcycleConnectionException => true,
            LoomcycleTimeoutException => true,
            UnavailableException => ex.Code != "stream_unavailable",
            _ => ex.StatusCode is 429 or 502 or 503 or 504,
        };

        private RunState? Parse(string eventType, ReadOnlySpan<byte> data)
        {
            if (eventType != "run_state")
            {
                return null; // stream_open, and anything a newer server adds
            }

            try
            {
                return JsonSerializer.Deserialize(data, LiveJsonContext.Default.RunState);
            }
            catch (JsonException ex)
            {
                LoomcycleDiagnostics.Warning(_connection.Redact($"Skipped a run_state event that is not valid JSON ({ex.Message}).")!);
                return null;
            }
        }
    }
}
