using System;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Loomcycle.Benchmarks.Infrastructure;
using Loomcycle.FakeServer;
using Microsoft.AspNetCore.Http;

namespace Loomcycle.Benchmarks.Scenarios
{
    /// <summary>
    /// Scenario 1: SSE bytes from a loopback server to RunEvent objects. The engine (StartRunAsync +
    /// RunStream.ReadEventsAsync) against a bare loop of HttpClient + SseParser + JsonSerializer over the same bytes.
    /// </summary>
    public sealed class StreamScenario : IAsyncDisposable
    {
        private static readonly byte[] RunBody = Encoding.UTF8.GetBytes("{\"agent\":\"chatty\",\"prompt\":\"1\"}");
        private readonly Func<HttpContext, Task> _handler;

        private StreamScenario(BenchServer server, Corpus corpus)
        {
            Server = server;
            Corpus = corpus;
            _handler = Faults.RawSse(corpus.Chunks);
        }

        public BenchServer Server { get; }

        public Corpus Corpus { get; }

        public static async Task<StreamScenario> StartAsync(StreamShape shape, int scale, int toolResultBytes = 256 * 1024) =>
            new StreamScenario(await BenchServer.StartAsync().ConfigureAwait(false), Corpus.Build(shape, scale, toolResultBytes));

        /// <summary>The baseline: HttpClient, System.Net.ServerSentEvents, System.Text.Json (source-generated RunEvent).</summary>
        public async Task<int> BareAsync()
        {
            Server.NextRun(_handler);
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/runs") { Content = new ByteArrayContent(RunBody) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Accept.ParseAdd("text/event-stream");
            using HttpResponseMessage response = await Server.Bare.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            using Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            SseParser<RunEvent?> parser = SseParser.Create(body, static (type, data) => JsonSerializer.Deserialize(data, LoomcycleJsonContext.Default.RunEvent));
            int count = 0;
            await foreach (SseItem<RunEvent?> item in parser.EnumerateAsync().ConfigureAwait(false))
            {
                if (item.Data is not null)
                {
                    count++;
                }
            }

            return Check(count);
        }

        /// <summary>The engine: what Invoke-LoomcycleRun runs on the thread pool.</summary>
        public async Task<int> EngineAsync()
        {
            Server.NextRun(_handler);
            using RunStream stream = await Server.Connection.StartRunAsync(new RunRequest { Agent = "chatty", Prompt = "1" }).ConfigureAwait(false);
            int count = 0;
            await foreach (RunEvent ev in stream.ReadEventsAsync().ConfigureAwait(false))
            {
                count++;
            }

            return Check(count);
        }

        private int Check(int count) =>
            count == Corpus.Events ? count : throw new InvalidOperationException($"Read {count} events, expected {Corpus.Events}.");

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }
}
