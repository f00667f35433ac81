using System.IO;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading.Tasks;

namespace Loomcycle.Benchmarks.Infrastructure
{
    /// <summary>The two readings every stream scenario compares, each counting the events it read.</summary>
    public static class EventCount
    {
        /// <summary>The bare loop: System.Net.ServerSentEvents + System.Text.Json (source-generated RunEvent) over a body.</summary>
        public static async Task<int> BareAsync(Stream body)
        {
            SseParser<RunEvent?> parser = SseParser.Create(body, static (type, data) => JsonSerializer.Deserialize(data, LoomcycleJsonContext.Default.RunEvent));
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

        /// <summary>The engine: <see cref="RunStream.ReadEventsAsync"/>.</summary>
        public static async Task<int> EngineAsync(RunStream stream)
        {
            int count = 0;
            await foreach (RunEvent ev in stream.ReadEventsAsync().ConfigureAwait(false))
            {
                count++;
            }

            return count;
        }
    }
}
