using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    /// <summary>
    /// Waits for runs to end (Wait-LoomcycleAgent). Runs of one user are watched on that user's run-state stream, with
    /// every run read again (GET /v1/agents/{id}) on each (re)connect so a dropped event cannot hang the wait; runs of
    /// several users, or without one, are polled with back-off.
    /// </summary>
    internal sealed class AgentWaiter
    {
        private static readonly string[] Terminal = { "completed", "failed", "cancelled" };
        private readonly LoomcycleConnection _connection;
        private readonly Dictionary<string, Agent> _pending;

        public AgentWaiter(LoomcycleConnection connection, IEnumerable<Agent> running)
        {
            _connection = connection;
            _pending = new Dictionary<string, Agent>(StringComparer.Ordinal);
            foreach (Agent agent in running)
            {
                _pending[agent.AgentId] = agent;
            }
        }

        public IReadOnlyList<string> Pending => _pending.Keys.ToList();

        public async IAsyncEnumerable<Agent> WaitAsync(TimeSpan? timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // A timer reaches ~24.8 days at most (int.MaxValue ms; CancelAfter throws beyond): a longer limit is no limit.
            if (timeout is TimeSpan limit && limit.TotalMilliseconds < int.MaxValue)
            {
                deadline.CancelAfter(limit);
            }

            IAsyncEnumerator<Agent> inner = WaitCoreAsync(deadline.Token).GetAsyncEnumerator(deadline.Token);
            try
            {
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await inner.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        throw TimedOut(timeout!.Value);
                    }
                    catch (LoomcycleException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        throw TimedOut(timeout!.Value);
                    }

                    if (!more)
                    {
                        yield break;
                    }

                    yield return inner.Current;
                }
            }
            finally
            {
                await inner.DisposeAsync().ConfigureAwait(false);
            }
        }

        private WaitTimeoutException TimedOut(TimeSpan timeout)
        {
            IReadOnlyList<string> pending = Pending;
            return new WaitTimeoutException(
                $"Timed out after {timeout.TotalSeconds:0.#} s; still running: {string.Join(", ", pending)}.", pending);
        }

        private async IAsyncEnumerable<Agent> WaitCoreAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            string?[] users = _pending.Values.Select(a => a.UserId).Distinct().ToArray();
            if (users.Length == 1 && !string.IsNullOrEmpty(users[0]))
            {
                var options = new RunStateWatchOptions
                {
                    UserId = users[0]!,
                    Statuses = Terminal,
                    IncludeExisting = true,
                    Reconcile = ReadPendingAsync,
                };
                await foreach (RunState state in _connection.WatchRunStatesAsync(options, cancellationToken).ConfigureAwait(false))
                {
                    if (!_pending.ContainsKey(state.AgentId))
                    {
                        continue;
                    }

                    Agent done = await _connection.GetAgentAsync(state.AgentId, cancellationToken).ConfigureAwait(false);
                    if (!LiveStatus.IsTerminal(done.Status))
                    {
                        continue; // a newer run re-used the agent id; keep waiting for it
                    }

                    _pending.Remove(state.AgentId);
                    yield return done;
                    if (_pending.Count == 0)
                    {
                        yield break;
                    }
                }
            }

            TimeSpan delay = TimeSpan.FromMilliseconds(250);
            while (_pending.Count > 0)
            {
                foreach (string id in _pending.Keys.ToList())
                {
                    Agent agent = await _connection.GetAgentAsync(id, cancellationToken).ConfigureAwait(false);
                    if (LiveStatus.IsTerminal(agent.Status))
                    {
                        _pending.Remove(id);
                        yield return agent;
                    }
                }

                if (_pending.Count > 0)
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                    delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
                }
            }
        }

        /// <summary>On every (re)connect: each pending run read again, as a state the watcher yields if it ended.</summary>
        private async Task<IReadOnlyList<RunState>> ReadPendingAsync(CancellationToken cancellationToken)
        {
            var states = new List<RunState>();
            foreach (string id in _pending.Keys.ToList())
            {
                Agent agent = await _connection.GetAgentAsync(id, cancellationToken).ConfigureAwait(false);
                if (LiveStatus.IsTerminal(agent.Status))
                {
                    states.Add(RunState.FromAgent(agent));
                }
            }

            return states;
        }
    }
}
