using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.Benchmarks.Infrastructure;
using Loomcycle.FakeServer;

namespace Loomcycle.Benchmarks.Scenarios
{
    /// <summary>
    /// Scenario 8a (issue 15 goal 6): a run-state change reaches the pipeline within 5 ms p99. The stream of a user is
    /// held open (GET /v1/users/{id}/agents/stream); the bench changes one run's status at a time, the fake server stamps
    /// (<see cref="RunStateBus.LastFrameWrittenAt"/>, Stopwatch, same process) just before it writes the run_state frame,
    /// and the reader stamps the arrival: (a) a bare HttpClient + SseParser loop (baseline), (b) the engine's
    /// WatchRunStatesAsync, (c) <c>Watch-LoomcycleAgent | Measure-BenchArrival</c> in a hosted runspace. The next change
    /// is made only once the previous one arrived (after a 1 ms gap, so the reader is parked in a read): latency, not queueing.
    /// </summary>
    public sealed class WatchScenario : IAsyncDisposable
    {
        /// <summary>A change that has not arrived after this long counts as lost (NaN).</summary>
        public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

        private int _users;

        private WatchScenario(BenchServer server, HostedRunspace runspace)
        {
            Server = server;
            Runspace = runspace;
        }

        public BenchServer Server { get; }

        public HostedRunspace Runspace { get; }

        private RunStateBus Bus => Server.Server.State.RunStates;

        public static async Task<WatchScenario> StartAsync()
        {
            BenchServer server = await BenchServer.StartAsync().ConfigureAwait(false);
            return new WatchScenario(server, HostedRunspace.ForLoomcycle(server.BaseUri));
        }

        /// <summary>A fresh user with <paramref name="count"/> running runs (seeded before the watch lists them).</summary>
        private (string User, List<AgentRecord> Runs) Seed(int count)
        {
            string user = "u_bench_w" + Interlocked.Increment(ref _users).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var runs = Enumerable.Range(0, count).Select(i => Server.Server.State.AddAgent($"a_{user}_{i}", userId: user, status: "running")).ToList();
            return (user, runs);
        }

        /// <summary>Records one arrival (any thread) and wakes the driver.</summary>
        private void Arrived(List<double> latencies, SemaphoreSlim arrived, long timestamp)
        {
            double ms = SinceWritten(timestamp);
            lock (latencies)
            {
                latencies.Add(ms);
            }

            arrived.Release();
        }

        /// <summary>Latency of one change in ms: the arrival stamp minus the server's stamp of the frame's write.</summary>
        private double SinceWritten(long arrival)
        {
            long written = Bus.LastFrameWrittenAt;
            return written == 0 ? double.NaN : Stopwatch.GetElapsedTime(written, arrival).TotalMilliseconds;
        }

        /// <summary>
        /// Makes <paramref name="runs"/> complete one by one once the stream is open; two warm-up changes first (not
        /// counted: the watch lists the user's runs right after it connects). Returns the latencies of the rest.
        /// </summary>
        private async Task<List<double>> DriveAsync(List<AgentRecord> runs, int subscriptionsBefore, SemaphoreSlim arrived, List<double> latencies)
        {
            await Bus.WaitForSubscriptionsAsync(subscriptionsBefore + 1, Patience).ConfigureAwait(false);
            await Task.Delay(20).ConfigureAwait(false); // the watch's listing after the connect
            for (int i = 0; i < runs.Count; i++)
            {
                await Task.Delay(1).ConfigureAwait(false);
                Server.Server.State.SetRunStatus(runs[i], "completed", "end_turn");
                if (!await arrived.WaitAsync(Patience).ConfigureAwait(false))
                {
                    lock (latencies)
                    {
                        latencies.Add(double.NaN);
                    }
                }
            }

            lock (latencies)
            {
                return latencies.Skip(2).ToList();
            }
        }

        /// <summary>The baseline: HttpClient + SseParser + JsonDocument over the same stream, no reconnect, no dedup.</summary>
        public Task<List<double>> BareAsync(int changes) =>
            MeasureReaderAsync(changes, async (user, arrivedNow, stop) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/users/{user}/agents/stream");
                request.Headers.Accept.ParseAdd("text/event-stream");
                using HttpResponseMessage response = await Server.Bare.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                using Stream body = await response.Content.ReadAsStreamAsync(stop).ConfigureAwait(false);
                await foreach (SseItem<string> item in SseParser.Create(body).EnumerateAsync(stop).ConfigureAwait(false))
                {
                    if (item.EventType != "run_state")
                    {
                        continue;
                    }

                    using JsonDocument doc = JsonDocument.Parse(item.Data);
                    if (doc.RootElement.GetProperty("status").GetString() == "completed")
                    {
                        arrivedNow();
                    }
                }
            });

        /// <summary>The engine: <see cref="LoomcycleConnection.WatchRunStatesAsync"/> (listing, reconnect, dedup).</summary>
        public Task<List<double>> EngineAsync(int changes) =>
            MeasureReaderAsync(changes, async (user, arrivedNow, stop) =>
            {
                await foreach (RunState state in Server.Connection.WatchRunStatesAsync(new RunStateWatchOptions { UserId = user }, stop).ConfigureAwait(false))
                {
                    arrivedNow();
                }
            });

        /// <summary>Runs <paramref name="read"/> on a task for a fresh user while the driver completes runs one at a time.</summary>
        private async Task<List<double>> MeasureReaderAsync(int changes, Func<string, Action, CancellationToken, Task> read)
        {
            (string user, List<AgentRecord> runs) = Seed(changes + 2);
            int before = Bus.TotalSubscriptions;
            var latencies = new List<double>();
            using var arrived = new SemaphoreSlim(0);
            using var stop = new CancellationTokenSource();
            Task reader = Task.Run(async () =>
            {
                try
                {
                    await read(user, () => Arrived(latencies, arrived, Stopwatch.GetTimestamp()), stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            });
            List<double> result = await DriveAsync(runs, before, arrived, latencies).ConfigureAwait(false);
            stop.Cancel();
            await Quietly(reader).ConfigureAwait(false);
            return result;
        }

        /// <summary>The cmdlet: <c>Watch-LoomcycleAgent -UserId … | Measure-BenchArrival</c>, stopped like Ctrl+C at the end.</summary>
        public async Task<List<double>> CmdletAsync(int changes)
        {
            (string user, List<AgentRecord> runs) = Seed(changes + 2);
            int before = Bus.TotalSubscriptions;
            var latencies = new List<double>();
            using var arrived = new SemaphoreSlim(0);
            BenchShared.OnArrival = ts => Arrived(latencies, arrived, ts);
            using PowerShell ps = PowerShell.Create();
            ps.Runspace = Runspace.Runspace;
            ps.AddScript($"Watch-LoomcycleAgent -UserId '{user}' -TimeoutSec 600 | Measure-BenchArrival");
            IAsyncResult running = ps.BeginInvoke();
            try
            {
                return await DriveAsync(runs, before, arrived, latencies).ConfigureAwait(false);
            }
            finally
            {
                await Task.Factory.FromAsync(ps.BeginStop, ps.EndStop, null).ConfigureAwait(false);
                try
                {
                    ps.EndInvoke(running);
                }
                catch (PipelineStoppedException)
                {
                }

                BenchShared.OnArrival = null;
                if (ps.Streams.Error.Count > 0)
                {
                    throw new InvalidOperationException("Watch-LoomcycleAgent wrote errors: " + string.Join("; ", ps.Streams.Error.Select(e => e.ToString())));
                }
            }
        }

        private static async Task Quietly(Task task)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            catch (HttpRequestException)
            {
            }
            catch (IOException)
            {
            }
        }

        /// <summary>Latencies (ms) and process CPU time (ms, summed over the rounds) of one path.</summary>
        public sealed class PathResult
        {
            public List<double> Latencies { get; } = new();

            public double CpuMs { get; set; }
        }

        /// <summary>One warm-up round of each, then <paramref name="rounds"/> rounds of <paramref name="changesPerRound"/> changes, the order rotating.</summary>
        public async Task<(PathResult Bare, PathResult Engine, PathResult Cmdlet)> MeasureAsync(int rounds, int changesPerRound)
        {
            await BareAsync(3).ConfigureAwait(false);
            await EngineAsync(3).ConfigureAwait(false);
            await CmdletAsync(3).ConfigureAwait(false);
            var bare = new PathResult();
            var engine = new PathResult();
            var cmdlet = new PathResult();
            async Task Timed(PathResult into, Func<int, Task<List<double>>> path)
            {
                double cpu = CpuClock.ProcessMs();
                List<double> latencies = await path(changesPerRound).ConfigureAwait(false);
                into.CpuMs += CpuClock.ProcessMs() - cpu;
                into.Latencies.AddRange(latencies);
            }

            for (int i = 0; i < rounds; i++)
            {
                var order = new List<Func<Task>>
                {
                    () => Timed(bare, BareAsync),
                    () => Timed(engine, EngineAsync),
                    () => Timed(cmdlet, CmdletAsync),
                };
                for (int k = 0; k < order.Count; k++)
                {
                    await order[(k + i) % order.Count]().ConfigureAwait(false);
                }
            }

            return (bare, engine, cmdlet);
        }

        public async ValueTask DisposeAsync()
        {
            Runspace.Dispose();
            await Server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
