using System;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
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
            using HttpResponseMessage response = await OpenBareAsync().ConfigureAwait(false);
            using Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            return Check(await EventCount.BareAsync(body).ConfigureAwait(false));
        }

        /// <summary>The engine: what Invoke-LoomcycleRun runs on the thread pool.</summary>
        public async Task<int> EngineAsync()
        {
            Server.NextRun(_handler);
            using RunStream stream = await Server.Connection.StartRunAsync(new RunRequest { Agent = "chatty", Prompt = "1" }).ConfigureAwait(false);
            return Check(await EventCount.EngineAsync(stream).ConfigureAwait(false));
        }

        /// <summary>Queues the corpus as the next run and opens it with the bare HttpClient (headers read, body not).</summary>
        public async Task<HttpResponseMessage> OpenBareAsync()
        {
            Server.NextRun(_handler);
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/runs") { Content = new ByteArrayContent(RunBody) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Accept.ParseAdd("text/event-stream");
            HttpResponseMessage response = await Server.Bare.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            return response;
        }

        private int Check(int count) =>
            count == Corpus.Events ? count : throw new InvalidOperationException($"Read {count} events, expected {Corpus.Events}.");

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }
}
