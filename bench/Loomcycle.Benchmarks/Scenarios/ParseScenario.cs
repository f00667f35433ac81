using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading.Tasks;
using Loomcycle.Benchmarks.Infrastructure;

namespace Loomcycle.Benchmarks.Scenarios
{
    /// <summary>
    /// Scenario 1 without the network: the same corpus from memory, so the engine's own per-event cost (guard stream,
    /// raw Data text, sequence and time stamps, the RunResult summary) is measured without the loopback noise.
    /// </summary>
    public sealed class ParseScenario : IDisposable
    {
        private readonly LoomcycleConnection _connection = new(new LoomcycleConnectionOptions { BaseUri = new Uri("http://127.0.0.1:9/") });

        public ParseScenario(StreamShape shape, int scale, int toolResultBytes = 256 * 1024) => Corpus = Corpus.Build(shape, scale, toolResultBytes);

        public Corpus Corpus { get; }

        public async Task<int> BareAsync()
        {
            SseParser<RunEvent?> parser = SseParser.Create(new MemoryStream(Corpus.Bytes, writable: false), static (type, data) => JsonSerializer.Deserialize(data, LoomcycleJsonContext.Default.RunEvent));
            int count = 0;
            await foreach (SseItem<RunEvent?> item in parser.EnumerateAsync().ConfigureAwait(false))
            {
                if (item.Data is not null)
                {
                    count++;
                }
            }

            return count;
        }

        public async Task<int> EngineAsync()
        {
            var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StreamContent(new MemoryStream(Corpus.Bytes, writable: false)) };
            using var stream = new RunStream(response, _connection, "chatty", Array.Empty<string>());
            int count = 0;
            await foreach (RunEvent ev in stream.ReadEventsAsync().ConfigureAwait(false))
            {
                count++;
            }

            return count;
        }

        public void Dispose() => _connection.Dispose();
    }
}
