using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loomcycle.FakeServer;

namespace Loomcycle.Benchmarks.Infrastructure
{
    /// <summary>The two realistic run streams, as the exact SSE bytes loomcycle writes.</summary>
    public enum StreamShape
    {
        /// <summary>Many tiny text deltas (a chatty model): session, started, N × text, usage, done.</summary>
        TextDeltas,

        /// <summary>A few large tool results (256 KiB of escaped text each) between short text runs.</summary>
        ToolResults,
    }

    /// <summary>Builds an SSE corpus once; the server then writes it in fixed-size chunks, each flushed.</summary>
    public sealed class Corpus
    {
        public const int ChunkSize = 16 * 1024;

        private Corpus(byte[] bytes, int events)
        {
            Bytes = bytes;
            Events = events;
            var chunks = new List<byte[]>();
            for (int offset = 0; offset < bytes.Length; offset += ChunkSize)
            {
                chunks.Add(bytes.AsSpan(offset, Math.Min(ChunkSize, bytes.Length - offset)).ToArray());
            }

            Chunks = chunks.ToArray();
        }

        public byte[] Bytes { get; }

        public byte[][] Chunks { get; }

        /// <summary>Number of data frames (each becomes one event).</summary>
        public int Events { get; }

        /// <param name="scale">TextDeltas: number of deltas. ToolResults: number of tool results.</param>
        /// <param name="toolResultBytes">Size of each tool result's text (ToolResults only).</param>
        public static Corpus Build(StreamShape shape, int scale, int toolResultBytes = 256 * 1024)
        {
            var sb = new StringBuilder();
            int events = 0;
            void Frame(string name, JsonNode json)
            {
                sb.Append(Faults.Frame(name, json.ToJsonString()));
                events++;
            }

            Frame("session", new JsonObject { ["type"] = "session", ["session_id"] = "sess_bench0001" });
            Frame("started", Frames.Started());
            if (shape == StreamShape.TextDeltas)
            {
                for (int i = 1; i <= scale; i++)
                {
                    Frame("text", Frames.Text("tok" + i + " "));
                    if (i % 1000 == 0)
                    {
                        sb.Append(": keepalive\n\n");
                    }
                }
            }
            else
            {
                string toolText = ToolText(toolResultBytes);
                for (int t = 1; t <= scale; t++)
                {
                    for (int i = 0; i < 20; i++)
                    {
                        Frame("text", Frames.Text("word" + i + " "));
                    }

                    JsonObject input = new JsonObject { ["path"] = "/src/file" + t + ".cs" };
                    Frame("tool_call", Frames.ToolCall("toolu_" + t, "Read", input));
                    Frame("tool_result", Frames.ToolResult("toolu_" + t, "Read", input.DeepClone(), toolText));
                }
            }

            var usage = new JsonObject { ["input_tokens"] = 12, ["output_tokens"] = scale };
            Frame("usage", Frames.Usage(usage));
            Frame("done", Frames.Done((JsonObject)usage.DeepClone(), "end_turn"));
            return new Corpus(Encoding.UTF8.GetBytes(sb.ToString()), events);
        }

        /// <summary>Source-code-like text with quotes, tabs and newlines (escaped in JSON, as tool output is).</summary>
        private static string ToolText(int bytes)
        {
            var sb = new StringBuilder(bytes);
            int line = 0;
            while (sb.Length < bytes)
            {
                sb.Append("\t\tvar value").Append(line).Append(" = \"item ").Append(line).Append("\"; // note: <tag> & more\n");
                line++;
            }

            return sb.ToString(0, bytes);
        }

        /// <summary>The RunEvent objects this corpus yields (parsed once; the pipeline baseline writes these).</summary>
        public RunEvent[] ParseAll()
        {
            var list = new List<RunEvent>(Events);
            var parser = System.Net.ServerSentEvents.SseParser.Create(new MemoryStream(Bytes), (type, data) =>
                JsonSerializer.Deserialize(data, LoomcycleJsonContext.Default.RunEvent));
            foreach (var item in parser.Enumerate())
            {
                if (item.Data is not null)
                {
                    list.Add(item.Data);
                }
            }

            return list.ToArray();
        }
    }
}
