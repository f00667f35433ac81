using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Loomcycle.Benchmarks.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Loomcycle.Benchmarks.Scenarios
{
    /// <summary>
    /// Scenario 7 (fan-in): N runs streamed at once through one LoomcycleConnection, against N bare loops (HttpClient +
    /// SseParser + STJ on one HttpClient) on N tasks; and N runs from ForEach-Object -Parallel in a hosted runspace.
    /// Every stream records when its first event arrived after its start, so thread-pool starvation shows as a long tail.
    /// </summary>
    public sealed class FanInScenario : IAsyncDisposable
    {
        private static readonly byte[] RunBody = Encoding.UTF8.GetBytes("{\"agent\":\"chatty\",\"prompt\":\"1\"}");
        private readonly Func<HttpContext, Task> _handler;

        private FanInScenario(BenchServer server, Corpus corpus, int streams)
        {
            Server = server;
            Corpus = corpus;
            Streams = streams;
            _handler = Faults_RawSse(corpus.Chunks);
        }

        public BenchServer Server { get; }

        public Corpus Corpus { get; }

        public int Streams { get; }

        public HostedRunspace? Runspace { get; private set; }

        /// <summary>Milliseconds from each stream's start to its first event, of the last run.</summary>
        public List<double> FirstEventMs { get; } = new();

        /// <summary>Both sides import the module and the bench cmdlets (the Set-BenchArrival counter) in every runspace.</summary>
        private static readonly string ImportBench = $"Import-Module -Assembly ([{typeof(ReadBenchStreamCommand).FullName}].Assembly)";

        public static async Task<FanInScenario> StartAsync(int streams, int deltasPerStream) =>
            new FanInScenario(await BenchServer.StartAsync().ConfigureAwait(false), Corpus.Build(StreamShape.TextDeltas, deltasPerStream), streams);

        private static Func<HttpContext, Task> Faults_RawSse(byte[][] chunks) => Loomcycle.FakeServer.Faults.RawSse(chunks);

        private void Enqueue()
        {
            for (int i = 0; i < Streams; i++)
            {
                Server.NextRun(_handler);
            }
        }

        public Task BareAsync() => RunAllAsync(BareOneAsync);

        public Task EngineAsync() => RunAllAsync(EngineOneAsync);

        private async Task RunAllAsync(Func<long, Task<(int Count, double FirstMs)>> one)
        {
            Enqueue();
            long start = Stopwatch.GetTimestamp();
            (int Count, double FirstMs)[] results = await Task.WhenAll(Enumerable.Range(0, Streams).Select(_ => Task.Run(() => one(start)))).ConfigureAwait(false);
            FirstEventMs.Clear();
            FirstEventMs.AddRange(results.Select(r => r.FirstMs));
            int total = results.Sum(r => r.Count);
            if (total != Streams * Corpus.Events)
            {
                throw new InvalidOperationException($"Read {total} events, expected {Streams * Corpus.Events}.");
            }
        }

        private async Task<(int, double)> BareOneAsync(long start)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/runs") { Content = new ByteArrayContent(RunBody) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Accept.ParseAdd("text/event-stream");
            using HttpResponseMessage response = await Server.Bare.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            using Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            SseParser<RunEvent?> parser = SseParser.Create(body, static (type, data) => JsonSerializer.Deserialize(data, LoomcycleJsonContext.Default.RunEvent));
            int count = 0;
            double first = double.NaN;
            await foreach (SseItem<RunEvent?> item in parser.EnumerateAsync().ConfigureAwait(false))
            {
                if (item.Data is not null && count++ == 0)
                {
                    first = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            }

            return (count, first);
        }

        private async Task<(int, double)> EngineOneAsync(long start)
        {
            using RunStream stream = await Server.Connection.StartRunAsync(new RunRequest { Agent = "chatty", Prompt = "1" }).ConfigureAwait(false);
            int count = 0;
            double first = double.NaN;
            await foreach (RunEvent ev in stream.ReadEventsAsync().ConfigureAwait(false))
            {
                if (count++ == 0)
                {
                    first = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            }

            return (count, first);
        }

        /// <summary>The PowerShell way: N runs from ForEach-Object -Parallel (one runspace per run), one connection.</summary>
        public void Parallel()
        {
            Runspace ??= HostedRunspace.ForLoomcycle(Server.BaseUri);
            Enqueue();
            object result = Runspace.Run(
                $"$c = Get-LoomcycleConnection; $m = '{HostedRunspace.LoomcycleManifest}'; $t = 0; " +
                $"foreach ($n in (1..{Streams} | ForEach-Object -ThrottleLimit {Streams} -Parallel {{ Import-Module $using:m; {ImportBench}; Invoke-LoomcycleRun -Connection $using:c -Agent chatty -Prompt 1 | Set-BenchArrival }})) {{ $t += $n }}; $t")[0].BaseObject;
            if (Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture) != (long)Streams * Corpus.Events)
            {
                throw new InvalidOperationException($"ForEach-Object -Parallel read {result} events, expected {Streams * Corpus.Events}.");
            }
        }

        /// <summary>The PowerShell baseline: the same runspaces, each running the bare compiled loop (Read-BenchStream).</summary>
        public void ParallelBaseline()
        {
            Runspace ??= HostedRunspace.ForLoomcycle(Server.BaseUri);
            BenchShared.Client = Server.Bare;
            Enqueue();
            object result = Runspace.Run(
                $"$m = '{HostedRunspace.LoomcycleManifest}'; $t = 0; " +
                $"foreach ($n in (1..{Streams} | ForEach-Object -ThrottleLimit {Streams} -Parallel {{ Import-Module $using:m; {ImportBench}; Read-BenchStream | Set-BenchArrival }})) {{ $t += $n }}; $t")[0].BaseObject;
            if (Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture) != (long)Streams * Corpus.Events)
            {
                throw new InvalidOperationException($"ForEach-Object -Parallel (bare) read {result} events, expected {Streams * Corpus.Events}.");
            }
        }

        public async ValueTask DisposeAsync()
        {
            Runspace?.Dispose();
            await Server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
