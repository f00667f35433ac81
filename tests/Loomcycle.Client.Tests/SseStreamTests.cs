using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>
    /// Reading run streams: the stream.test.ts cases (adapted: a trailing frame without its blank line is
    /// discarded and reported through <see cref="RunResult.EndedMidFrame"/>), a newline × trickle matrix over
    /// loomcycle-shaped frames, error frames, panic lines and unknown event names.
    /// </summary>
    public sealed class SseStreamTests : EngineTest
    {
        public SseStreamTests(ServerFixture fixture) : base(fixture) { }

        private async Task<(List<RunEvent> Events, RunStream Stream)> RunAsync(Func<Microsoft.AspNetCore.Http.HttpContext, Task> handler)
        {
            Server.Enqueue("POST", "/v1/runs", handler);
            RunStream stream = await Connection.StartRunAsync(new RunRequest { Agent = "qa", Prompt = "p" });
            return (await DrainAsync(stream), stream);
        }

        private Task<(List<RunEvent> Events, RunStream Stream)> RunAsync(params string[] chunks) => RunAsync(Faults.RawSse(chunks));

        [Fact]
        public async Task StreamTestTs_ThreeWellFormedFrames_ThreeEventsInOrder()
        {
            var (events, stream) = await RunAsync(
                "event: started\ndata: {\"type\":\"started\"}\n\n" +
                "event: text\ndata: {\"type\":\"text\",\"text\":\"hi\"}\n\n" +
                "event: done\ndata: {\"type\":\"done\",\"stop_reason\":\"end_turn\"}\n\n");

            Assert.Equal(new[] { "started", "text", "done" }, events.Select(e => e.Type));
            Assert.Equal("hi", events[1].Text);
            Assert.Equal("end_turn", events[2].StopReason);
            Assert.True(stream.Result.Succeeded);
            Assert.Equal("hi", stream.Result.Text);
        }

        [Fact]
        public async Task ReceivedAt_IsWhenTheEventsBytesArrived_NotWhenTheConsumerGotToIt()
        {
            // The three frames arrive in one write; a slow consumer reads the third 300 ms later. ReceivedAt is stamped from
            // the network read that brought the bytes (one clock read per read, not per event), so it is before that.
            Server.Enqueue("POST", "/v1/runs", Faults.RawSse(
                "event: text\ndata: {\"type\":\"text\",\"text\":\"a\"}\n\n" +
                "event: text\ndata: {\"type\":\"text\",\"text\":\"b\"}\n\n" +
                "event: done\ndata: {\"type\":\"done\",\"stop_reason\":\"end_turn\"}\n\n"));
            DateTimeOffset started = DateTimeOffset.Now;
            using RunStream stream = await Connection.StartRunAsync(new RunRequest { Agent = "qa", Prompt = "p" });
            var events = new List<RunEvent>();
            DateTimeOffset askedForLast = default;
            await foreach (RunEvent ev in stream.ReadEventsAsync())
            {
                events.Add(ev);
                if (events.Count == 2)
                {
                    await Task.Delay(300);
                    askedForLast = DateTimeOffset.Now;
                }
            }

            Assert.Equal(3, events.Count);
            Assert.All(events, e => Assert.True(e.ReceivedAt >= started.AddMilliseconds(-5), $"{e.ReceivedAt:O} is before the run started ({started:O})"));
            Assert.True(events[2].ReceivedAt < askedForLast, $"the last event was stamped when it was consumed ({events[2].ReceivedAt:O}), not when it arrived (before {askedForLast:O})");
            Assert.Equal(DateTimeOffset.Now.Offset, events[0].ReceivedAt.Offset);
        }

        [Fact]
        public async Task StreamTestTs_OneFrameSplitAcrossFiveChunksMidLine_OneEvent()
        {
            var (events, _) = await RunAsync("event: te", "xt\ndata: {\"type\":\"te", "xt\",\"text\":\"hel", "lo\"}\n", "\n");

            RunEvent only = Assert.Single(events);
            Assert.Equal("text", only.Type);
            Assert.Equal("hello", only.Text);
        }

        [Fact]
        public async Task StreamTestTs_CrlfLineEndings_Parsed()
        {
            var (events, _) = await RunAsync("event: text\r\ndata: {\"type\":\"text\",\"text\":\"crlf\"}\r\n\r\n");

            Assert.Equal("crlf", Assert.Single(events).Text);
        }

        [Fact]
        public async Task StreamTestTs_MalformedJson_SkippedWithWarning_NextFrameDelivered()
        {
            var diagnostics = new ConcurrentQueue<(DiagnosticLevel Level, string Message)>();
            LoomcycleCallContext.Current = new LoomcycleCallContext { Diagnostics = (level, message) => diagnostics.Enqueue((level, message)) };
            try
            {
                var (events, stream) = await RunAsync(
                    "event: bad\ndata: {not json\n\n",
                    "event: text\ndata: {\"type\":\"text\",\"text\":\"ok\"}\n\n");

                Assert.Equal("ok", Assert.Single(events).Text);
                Assert.Equal(1, stream.SkippedFrames);
                var warning = Assert.Single(diagnostics, d => d.Level == DiagnosticLevel.Warning);
                Assert.Contains("'bad'", warning.Message);
                Assert.Contains("{not json", warning.Message);
            }
            finally
            {
                LoomcycleCallContext.Current = null;
            }
        }

        [Fact]
        public async Task StreamTestTs_InvalidUtf8Data_SkippedLikeMalformedJson()
        {
            Server.Enqueue("POST", "/v1/runs", Faults.RawSse(
                Encoding.ASCII.GetBytes("event: text\ndata: {\"type\":\"text\",\"text\":\""),
                new byte[] { 0xC3, 0x28, 0xFF },
                Encoding.ASCII.GetBytes("\"}\n\nevent: done\ndata: {\"type\":\"done\"}\n\n")));

            RunStream stream = await Connection.StartRunAsync(new RunRequest { Agent = "qa", Prompt = "p" });
            List<RunEvent> events = await DrainAsync(stream);

            Assert.Equal("done", Assert.Single(events).Type);
            Assert.Equal(1, stream.SkippedFrames);
        }

        [Fact]
        public async Task StreamTestTs_FinalFrameWithoutBlankLine_DiscardedAndReportedAsEndedMidFrame()
        {
            // Module decision (pitfalls 1.3): an unterminated frame is not dispatched; the result says the stream was cut.
            var (events, stream) = await RunAsync(
                "event: text\ndata: {\"type\":\"text\",\"text\":\"first\"}\n\n",
                "event: text\ndata: {\"type\":\"text\",\"text\":\"last\"}\n");

            Assert.Equal("first", Assert.Single(events).Text);
            Assert.True(stream.Result.EndedMidFrame);
            Assert.False(stream.Result.Succeeded);
            Assert.Contains("cut in the middle of an event", stream.Result.FailureReason);
        }

        [Fact]
        public async Task StreamTestTs_EventWithoutData_Ignored_NextFrameDelivered()
        {
            var (events, stream) = await RunAsync(
                "event: heartbeat\n\n",
                "event: text\ndata: {\"type\":\"text\",\"text\":\"after\"}\n\n");

            Assert.Equal("after", Assert.Single(events).Text);
            Assert.Equal(0, stream.SkippedFrames);
        }

        [Fact]
        public async Task StreamTestTs_TrailingLineWithoutFinalNewline_DiscardedAndReportedAsEndedMidFrame()
        {
            var (events, stream) = await RunAsync(
                "event: started\ndata: {\"type\":\"started\"}\n\n",
                "event: text\ndata: {\"type\":\"text\",\"text\":\"truncated\"}");

            Assert.Equal("started", Assert.Single(events).Type);
            Assert.True(stream.Result.EndedMidFrame);
            Assert.DoesNotContain(events, e => e.Text == "truncated");
        }

        [Fact]
        public async Task StreamTestTs_AgentFrameWithoutType_TypeBackFilledFromEventName_ParentNull()
        {
            var (events, _) = await RunAsync("event: agent\ndata: {\"agent_id\":\"a-1\",\"run_id\":\"r-1\",\"session_id\":\"s-1\",\"parent_agent_id\":null,\"parent_context\":null}\n\n");

            RunEvent agent = Assert.Single(events);
            Assert.Equal("agent", agent.Type);
            Assert.Equal("a-1", agent.AgentId);
            Assert.Null(agent.ParentAgentId);
            Assert.Null(agent.ParentContext);
        }

        [Fact]
        public async Task KeepaliveComments_Ignored()
        {
            var (events, stream) = await RunAsync(
                ": keepalive\n\n",
                "event: text\ndata: {\"type\":\"text\",\"text\":\"a\"}\n\n",
                ": keepalive\n\n: keepalive\n\n",
                "event: done\ndata: {\"type\":\"done\"}\n\n",
                ": keepalive\n\n");

            Assert.Equal(new[] { "text", "done" }, events.Select(e => e.Type));
            Assert.False(stream.Result.EndedMidFrame);
            Assert.True(stream.Result.Succeeded);
        }

        [Fact]
        public async Task KeepalivesFromTheFakeServersTimer_NeverSurfaceAsEvents()
        {
            Server.Options.KeepaliveInterval = TimeSpan.FromMilliseconds(20);
            try
            {
                Task<RunStream> start = Connection.StartRunAsync(new RunRequest { Agent = "hold", Prompt = "p" });
                RunStream stream = await start;
                await Server.WaitForHeldAsync(1, HangGuard);
                await Server.WaitForKeepalivesAsync(Server.KeepalivesSent + 3, HangGuard); // a few keepalives flushed while the run is parked
                Server.ReleaseHeld();
                List<RunEvent> events = await DrainAsync(stream);

                Assert.DoesNotContain(events, e => e.Type.Length == 0 || e.Type.Contains("keepalive"));
                Assert.Equal("done", events.Last().Type);
            }
            finally
            {
                Server.Options.KeepaliveInterval = TimeSpan.Zero;
            }
        }

        private static readonly string LoomcycleRun =
            ": keepalive\n\n" +
            "event: session\ndata: {\"type\":\"session\",\"text\":\"s_0123456789abcdef\"}\n\n" +
            "event: agent\ndata: {\"agent_id\":\"a_0123456789abcdef\",\"run_id\":\"r_0123456789abcdef\",\"session_id\":\"s_0123456789abcdef\",\"parent_agent_id\":null}\n\n" +
            "event: started\ndata: {\"type\":\"started\"}\n\n" +
            "event: text\ndata: {\"type\":\"text\",\"text\":\"Hel\"}\n\n" +
            "event: text\ndata: {\"type\":\"text\",\"text\":\"lo \\u003cworld\\u003e \\u0026 more\"}\n\n" +
            "event: tool_call\ndata: {\"type\":\"tool_call\",\"tool_use\":{\"id\":\"lc-1-0\",\"name\":\"Read\",\"input\":{\"path\":\"/a\",\"n\":[1,2]}}}\n\n" +
            "event: usage\ndata: {\"type\":\"usage\",\"usage\":{\"input_tokens\":12,\"output_tokens\":7,\"cache_read_input_tokens\":3,\"model\":\"m\"}}\n\n" +
            "event: tool_result\ndata: {\"type\":\"tool_result\",\"tool_use\":{\"id\":\"lc-1-0\",\"name\":\"Read\",\"input\":{\"path\":\"/a\",\"n\":[1,2]}},\"text\":\"file body\",\"is_error\":true}\n\n" +
            ": keepalive\n\n" +
            "event: done\ndata: {\"type\":\"done\",\"usage\":{\"input_tokens\":30,\"output_tokens\":9},\"stop_reason\":\"end_turn\"}\n\n";

        [Theory]
        [InlineData("\n", false)]
        [InlineData("\n", true)]
        [InlineData("\r", false)]
        [InlineData("\r", true)]
        [InlineData("\r\n", false)]
        [InlineData("\r\n", true)]
        public async Task Matrix_NewlineByTrickle_LoomcycleShapedRun(string newline, bool trickle)
        {
            string text = LoomcycleRun.Replace("\n", newline);
            string[] chunks = trickle ? text.Select(c => c.ToString()).ToArray() : new[] { text };

            var (events, stream) = await RunAsync(chunks);

            Assert.Equal(new[] { "session", "agent", "started", "text", "text", "tool_call", "usage", "tool_result", "done" }, events.Select(e => e.Type));
            Assert.Equal("Hello <world> & more", stream.Result.Text);
            Assert.Equal("s_0123456789abcdef", stream.Result.SessionId);
            Assert.Equal("a_0123456789abcdef", stream.Result.AgentId);
            Assert.Equal("r_0123456789abcdef", stream.Result.RunId);
            Assert.Equal("{\"path\":\"/a\",\"n\":[1,2]}", events[5].ToolUse!.Input);
            Assert.Equal("lc-1-0", events[5].ToolUse!.Id);
            Assert.Equal(3, events[6].Usage!.CacheReadInputTokens);
            Assert.Equal("file body", events[7].Text);
            Assert.True(events[7].IsError);
            Assert.Equal(1, stream.Result.ToolCallCount);
            Assert.Equal(30, stream.Result.Usage!.InputTokens);
            Assert.Equal("end_turn", stream.Result.StopReason);
            Assert.True(stream.Result.Succeeded);
            Assert.False(stream.Result.EndedMidFrame);
            Assert.Equal(0, stream.SkippedFrames);
        }

        [Fact]
        public async Task EventData_OfManyFramesAcrossSharedBlocks_IsEachFramesJsonExactly()
        {
            // Small frames share blocks (512 B first, doubling to 8 KiB) and large ones get their own array; every event must still read back its
            // own frame, byte for byte (multi-byte UTF-8 included), whether Data is read early, late or never.
            var frames = new List<string>();
            for (int i = 0; i < 600; i++)
            {
                string text = i % 97 == 0 ? new string('é', 900 + i) : "tök" + i + " ✓";
                frames.Add("{\"type\":\"text\",\"text\":\"" + text + "\",\"n\":" + i + "}");
            }

            var (events, _) = await RunAsync(string.Concat(frames.Select(f => "event: text\ndata: " + f + "\n\n")));

            Assert.Equal(frames.Count, events.Count);
            for (int i = events.Count - 1; i >= 0; i--)
            {
                Assert.Equal(frames[i], events[i].Data);
                Assert.Same(events[i].Data, events[i].Data); // decoded once
            }
        }

        [Fact]
        public void EventData_OfAShortRun_KeptInLessThanAKibibyte()
        {
            // Most runs carry a handful of frames that are not plain text deltas (started, tool calls, done): their bytes
            // must not cost a whole 8 KiB block per run when 100 runs are read at once.
            string[] frames =
            {
                "{\"type\":\"started\",\"run_id\":\"r_0123456789abcdef\",\"agent_id\":\"a_0123456789abcdef\"}",
                "{\"type\":\"tool_call\",\"tool\":\"web_fetch\",\"input\":{\"url\":\"https://example.com\"}}",
                "{\"type\":\"tool_result\",\"tool\":\"web_fetch\",\"text\":\"<title>Example Domain</title>\"}",
                "{\"type\":\"done\",\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":42,\"output_tokens\":17}}",
            };
            byte[][] utf8 = frames.Select(Encoding.UTF8.GetBytes).ToArray();
            RunEvent[] events = frames.Select(_ => new RunEvent()).ToArray();
            var kept = new FrameBytes();

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < frames.Length; i++)
            {
                kept.Keep(events[i], utf8[i]);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.InRange(allocated, 1, 1024);
            Assert.Equal(frames, events.Select(e => e.Data));
        }

        [Fact]
        public async Task EventData_OfTextDeltas_KeptAsTheirText_IsEachFramesJsonExactly()
        {
            // Plain deltas ({"type":"text","text":"…"} with no quote or backslash in the text) keep only their text;
            // every near miss (an escape, a quote, another field, other spacing, another type) must keep its bytes.
            string[] frames =
            {
                "{\"type\":\"text\",\"text\":\"tök ✓ 😀\"}",
                "{\"type\":\"text\",\"text\":\"\"}",
                "{\"type\":\"text\",\"text\":\"a\\nb\"}",
                "{\"type\":\"text\",\"text\":\"a\\u0041\"}",
                "{\"type\":\"text\",\"text\":\"x\",\"extra\":\"y\"}",
                "{\"type\":\"text\",\"text\":\"x\",\"n\":1,\"m\":\"y\"}",
                "{\"type\":\"text\",\"text\":\"x\" }",
                "{\"type\":\"text\", \"text\":\"x\"}",
                "{\"type\":\"thinking\",\"text\":\"x\"}",
                "{\"text\":\"x\",\"type\":\"text\"}",
            };

            var (events, stream) = await RunAsync(string.Concat(frames.Select(f => "event: text\ndata: " + f + "\n\n")));

            Assert.Equal(frames.Length, events.Count);
            for (int i = 0; i < frames.Length; i++)
            {
                Assert.Equal(frames[i], events[i].Data);
            }

            Assert.Equal("tök ✓ 😀", events[0].Text);
            Assert.Equal("a\nb", events[2].Text);
            events[0].Text = "changed";
            Assert.Equal(frames[0], events[0].Data); // Data is the frame as it arrived, whatever Text says now
        }

        [Fact]
        public void PlainTextFrame_OnlyTheExactShapeWithNoQuoteOrBackslashInTheText()
        {
            Assert.True(FrameBytes.IsPlainTextFrame("{\"type\":\"text\",\"text\":\"hi there\"}"u8));
            Assert.True(FrameBytes.IsPlainTextFrame("{\"type\":\"text\",\"text\":\"\"}"u8));
            Assert.False(FrameBytes.IsPlainTextFrame("{\"type\":\"text\",\"text\":\"a\\\"b\"}"u8));
            Assert.False(FrameBytes.IsPlainTextFrame("{\"type\":\"text\",\"text\":\"a\",\"b\":\"c\"}"u8));
            Assert.False(FrameBytes.IsPlainTextFrame("{\"type\":\"text\",\"text\":\"a\"} "u8));
            Assert.False(FrameBytes.IsPlainTextFrame("{\"type\":\"text\",\"text\":\""u8));
            Assert.False(FrameBytes.IsPlainTextFrame("{\"type\":\"text\",\"text\":\"}"u8));
        }

        [Fact]
        public async Task ResultText_OfManyDeltas_IsEveryDeltaJoinedInOrder()
        {
            // The deltas are copied into character blocks (256, 512, … 32 K) and joined on read: cross every block
            // boundary, with deltas split across blocks and one longer than the largest block (70 000 characters),
            // skip empty deltas, and read Text both while the stream runs and at its end.
            var expected = new System.Text.StringBuilder();
            var sse = new System.Text.StringBuilder();
            for (int i = 0; i < 1300; i++)
            {
                string delta = i % 50 == 0 ? string.Empty : i == 700 ? new string('x', 70_000) : "d" + i + (i % 7 == 0 ? "\\n" : " ");
                sse.Append("event: text\ndata: {\"type\":\"text\",\"text\":\"").Append(delta).Append("\"}\n\n");
                expected.Append(delta.Replace("\\n", "\n"));
            }

            Server.Enqueue("POST", "/v1/runs", Faults.RawSse(sse.ToString()));
            using RunStream stream = await Connection.StartRunAsync(new RunRequest { Agent = "qa", Prompt = "p" });
            int seen = 0;
            string? midway = null;
            await foreach (RunEvent ev in stream.ReadEventsAsync())
            {
                if (++seen == 9)
                {
                    midway = stream.Result.Text;
                }
            }

            Assert.Equal(1300, seen);
            Assert.Equal("d1 d2 d3 d4 d5 d6 d7\nd8 ", midway);
            Assert.Equal(expected.ToString(), stream.Result.Text);
        }

        [Fact]
        public async Task LongTexts_ToolResultsAndDeltas_ReadBackExactly_WhetherReadEarlyLateConcurrentlyOrNever()
        {
            // A text of 1 KiB or more is checked and left in the frame until Text is read (DeferredTextConverter): every
            // shape must still read back what decoding at once gave — escapes (\u003c, a surrogate pair, \n, \"), raw
            // multi-byte UTF-8, a long plain delta, a text at the end of its frame, a field named twice — and Data stays
            // the frame.
            string body = string.Concat(Enumerable.Repeat("\\t\\tvar v = \\\"item\\\"; // \\u003ctag\\u003e \\u0026 é ✓ \\ud83d\\ude00\\n", 9000));
            string decodedBody = string.Concat(Enumerable.Repeat("\t\tvar v = \"item\"; // <tag> & é ✓ 😀\n", 9000));
            string plain = new string('w', 3000);
            string[] frames =
            {
                "{\"type\":\"tool_result\",\"tool_use\":{\"id\":\"t1\",\"name\":\"Read\",\"input\":{\"path\":\"/x\"}},\"text\":\"" + body + "\"}",
                "{\"type\":\"text\",\"text\":\"" + plain + "\"}",
                "{\"type\":\"tool_result\",\"is_error\":true,\"text\":\"" + plain + "\",\"text\":\"short\"}",
                "{\"type\":\"tool_result\",\"text\":\"short\",\"text\":\"" + body + "\"}",
                "{\"type\":\"tool_result\",\"text\":\"" + new string('é', 600) + "\"}",
            };

            var (events, stream) = await RunAsync(string.Concat(frames.Select(f => "event: x\ndata: " + f + "\n\n")));

            Assert.Equal(frames.Length, events.Count);
            Assert.Equal(plain, stream.Result.Text); // the long delta reached the result
            string?[] concurrent = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => events[0].Text)));
            Assert.All(concurrent, text => Assert.Equal(decodedBody, text));
            Assert.Equal(new string('é', 600), events[4].Text);
            Assert.Equal(decodedBody, events[3].Text);
            Assert.Equal("short", events[2].Text);
            Assert.Equal(plain, events[1].Text);
            Assert.Equal("Read", events[0].ToolUse!.Name);
            Assert.Equal(true, events[2].IsError);
            for (int i = 0; i < frames.Length; i++)
            {
                Assert.Equal(frames[i], events[i].Data);
            }

            events[3].Text = "changed";
            Assert.Equal("changed", events[3].Text);
            Assert.Equal(frames[3], events[3].Data);
        }

        [Fact]
        public async Task DeferredText_ReadByTwoThreadsAtOnce_BothGetTheText()
        {
            // A reader that finds the text still deferred must decode what it found, even when the other reader finishes
            // (and marks the text decoded) in between: thousands of races on two threads, each reader must get the text.
            string text = new string('t', 2000);
            byte[] frame = Encoding.UTF8.GetBytes("{\"type\":\"tool_result\",\"text\":\"" + text + "\"}");
            int tokenStart = Encoding.UTF8.GetString(frame).IndexOf("\"text\":\"", StringComparison.Ordinal) + 7; // the value's opening quote
            for (int i = 0; i < 5000; i++)
            {
                var ev = new RunEvent();
                ev.SetUtf8Data(frame, 0, frame.Length);
                ev.DeferText(tokenStart, text.Length + 2);
                using var start = new Barrier(2);
                Task<string?> other = Task.Factory.StartNew(() => { start.SignalAndWait(); return ev.Text; }, TaskCreationOptions.LongRunning);
                start.SignalAndWait();
                Assert.Equal(text, ev.Text);
                Assert.Equal(text, await other);
            }
        }

        [Fact]
        public async Task LongTextsThatDoNotDecode_SkippedAsWhenDecodedAtOnce()
        {
            // Checking a long text instead of decoding it must not let through what decoding refused: raw invalid UTF-8,
            // or an escaped lone surrogate, gives the same outcome as reading the frame with nothing deferred.
            string padding = new string('p', 2000);
            byte[] invalidUtf8 = Encoding.ASCII.GetBytes("{\"type\":\"tool_result\",\"text\":\"" + padding)
                .Concat(new byte[] { 0xC3, 0x28, 0xFF })
                .Concat(Encoding.ASCII.GetBytes("\"}")).ToArray();
            byte[] loneSurrogate = Encoding.ASCII.GetBytes("{\"type\":\"tool_result\",\"text\":\"" + padding + "\\ud800x\"}");
            bool EagerReads(byte[] frame)
            {
                try
                {
                    return System.Text.Json.JsonSerializer.Deserialize(frame, LoomcycleJsonContext.Default.RunEvent) is not null;
                }
                catch (Exception ex) when (ex is System.Text.Json.JsonException || ex is InvalidOperationException)
                {
                    return false;
                }
            }

            Server.Enqueue("POST", "/v1/runs", Faults.RawSse(
                Encoding.ASCII.GetBytes("event: tool_result\ndata: "), invalidUtf8,
                Encoding.ASCII.GetBytes("\n\nevent: tool_result\ndata: "), loneSurrogate,
                Encoding.ASCII.GetBytes("\n\nevent: done\ndata: {\"type\":\"done\"}\n\n")));
            RunStream stream = await Connection.StartRunAsync(new RunRequest { Agent = "qa", Prompt = "p" });
            List<RunEvent> events = await DrainAsync(stream);

            Assert.False(EagerReads(invalidUtf8));
            Assert.False(EagerReads(loneSurrogate));
            Assert.Equal("done", Assert.Single(events).Type);
            Assert.Equal(2, stream.SkippedFrames);
        }

        [Fact]
        public async Task EventData_IsTheFramesJsonExactly()
        {
            const string json = "{\"type\":\"text\",\"text\":\"\\u003cb\\u003e\",\"extra\":{ \"spaced\" : true }}";
            var (events, _) = await RunAsync("event: text\ndata: " + json + "\n\n");

            RunEvent ev = Assert.Single(events);
            Assert.Equal(json, ev.Data);
            Assert.Equal("<b>", ev.Text);
            Assert.Equal("{ \"spaced\" : true }", ev.AdditionalProperties!["extra"].GetRawText());
        }

        [Fact]
        public async Task OneErrorFrameAndNoDone_NotSucceeded_ErrorOnce()
        {
            var (events, stream) = await RunAsync(
                Faults.Frame("started", "{\"type\":\"started\"}"),
                Faults.Frame("error", "{\"type\":\"error\",\"error\":\"context canceled\"}"));

            Assert.Equal("context canceled", events.Last().Error);
            Assert.False(stream.Result.Completed);
            Assert.False(stream.Result.Succeeded);
            Assert.Equal(new[] { "context canceled" }, stream.Result.Errors);
            Assert.Equal("context canceled", stream.Result.FailureReason);
        }

        [Fact]
        public async Task TwoIdenticalErrorFrames_ErrorKeptOnce()
        {
            var (events, stream) = await RunAsync(
                Faults.Frame("error", "{\"type\":\"error\",\"error\":\"anthropic 500: overloaded\"}"),
                Faults.Frame("error", "{\"type\":\"error\",\"error\":\"anthropic 500: overloaded\"}"));

            Assert.Equal(2, events.Count);
            Assert.Equal(new[] { "anthropic 500: overloaded" }, stream.Result.Errors);
            Assert.False(stream.Result.Succeeded);
        }

        [Fact]
        public async Task LoopErrorThenHandlersProviderErrorWrapper_ErrorKeptOnce()
        {
            var (events, stream) = await RunAsync(
                Faults.Frame("text", "{\"type\":\"text\",\"text\":\"partial\"}"),
                Faults.Frame("error", "{\"type\":\"error\",\"error\":\"anthropic 500: overloaded\"}"),
                Faults.Frame("error", "{\"type\":\"error\",\"error\":\"provider error: anthropic 500: overloaded\"}"));

            Assert.Equal(3, events.Count);
            Assert.Equal(new[] { "anthropic 500: overloaded" }, stream.Result.Errors);
            Assert.Equal("partial", stream.Result.Text);
            Assert.False(stream.Result.Succeeded);
        }

        [Fact]
        public async Task FailAgentOfTheFakeServer_ErrorFramesNoDone()
        {
            RunStream stream = await Connection.StartRunAsync(new RunRequest { Agent = "fail", Prompt = "p" });
            List<RunEvent> events = await DrainAsync(stream);

            Assert.Contains(events, e => e.Type == "error");
            Assert.DoesNotContain(events, e => e.Type == "done");
            Assert.Single(stream.Result.Errors);
            Assert.False(stream.Result.Succeeded);
        }

        [Fact]
        public async Task PanicLineAppendedAfterFrames_Ignored()
        {
            var (events, stream) = await RunAsync(
                Faults.Frame("started", "{\"type\":\"started\"}"),
                Faults.Frame("text", "{\"type\":\"text\",\"text\":\"so far\"}"),
                "{\"error\":\"internal server error\"}");

            Assert.Equal(new[] { "started", "text" }, events.Select(e => e.Type));
            Assert.Equal(0, stream.SkippedFrames);
            Assert.False(stream.Result.Succeeded);
            Assert.True(stream.Result.EndedMidFrame);
        }

        [Fact]
        public async Task PanicLineThenConnectionDropped_EventsDelivered_ThenConnectionException()
        {
            Server.Enqueue("POST", "/v1/runs", Faults.RawSseThenReset(
                Faults.Frame("started", "{\"type\":\"started\"}"),
                "{\"error\":\"internal server error\"}"));
            RunStream stream = await Connection.StartRunAsync(new RunRequest { Agent = "qa", Prompt = "p" });
            var events = new List<RunEvent>();

            var ex = await Assert.ThrowsAsync<LoomcycleConnectionException>(async () =>
            {
                await foreach (RunEvent ev in stream.ReadEventsAsync())
                {
                    events.Add(ev);
                }
            });

            Assert.Equal("started", Assert.Single(events).Type);
            Assert.Equal(0, ex.StatusCode);
            Assert.True(stream.Result.EndedMidFrame);
        }

        [Fact]
        public async Task UnknownEventTypes_PassedThroughWithData()
        {
            const string downgraded = "{\"type\":\"model_downgraded\",\"from\":\"big\",\"to\":\"small\"}";
            const string compaction = "{\"summary\":\"short\",\"before_tokens\":900}";
            var (events, stream) = await RunAsync(
                "event: model_downgraded\ndata: " + downgraded + "\n\n",
                "event: context_compaction\ndata: " + compaction + "\n\n",
                Faults.Frame("done", "{\"type\":\"done\"}"));

            Assert.Equal(new[] { "model_downgraded", "context_compaction", "done" }, events.Select(e => e.Type));
            Assert.Equal(downgraded, events[0].Data);
            Assert.Equal("small", events[0].AdditionalProperties!["to"].GetString());
            Assert.Equal(compaction, events[1].Data);
            Assert.Equal(900, events[1].AdditionalProperties!["before_tokens"].GetInt32());
            Assert.True(stream.Result.Succeeded);
        }

        [Fact]
        public async Task FutureAgentOfTheFakeServer_NewEventNamesPassThrough()
        {
            RunStream stream = await Connection.StartRunAsync(new RunRequest { Agent = "future", Prompt = "p" });
            List<RunEvent> events = await DrainAsync(stream);

            string[] known = { "session", "agent", "started", "text", "tool_call", "tool_result", "usage", "done", "error", "retry" };
            Assert.Contains(events, e => Array.IndexOf(known, e.Type) < 0);
            Assert.All(events, e => Assert.False(string.IsNullOrEmpty(e.Data)));
        }

        [Fact]
        public async Task StreamCutMidFrameByReset_ConnectionException_EndedMidFrame()
        {
            Server.Enqueue("POST", "/v1/runs", Faults.RawSseThenReset(
                Faults.Frame("text", "{\"type\":\"text\",\"text\":\"one\"}"),
                "event: text\ndata: {\"type\":\"te"));
            RunStream stream = await Connection.StartRunAsync(new RunRequest { Agent = "qa", Prompt = "p" });
            var events = new List<RunEvent>();

            await Assert.ThrowsAsync<LoomcycleConnectionException>(async () =>
            {
                await foreach (RunEvent ev in stream.ReadEventsAsync())
                {
                    events.Add(ev);
                }
            });

            Assert.Equal("one", Assert.Single(events).Text);
            Assert.True(stream.Result.EndedMidFrame);
            Assert.False(stream.Result.Succeeded);
        }

        [Fact]
        public async Task StreamReadTwice_InvalidOperation()
        {
            var (_, stream) = await RunAsync(Faults.Frame("done", "{\"type\":\"done\"}"));

            await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            {
                await foreach (RunEvent _ in stream.ReadEventsAsync())
                {
                }
            });
        }

        [Fact]
        public async Task ReceivedAt_IsWhenTheFramesBytesWereRead_NotWhenTheConsumerGotToIt()
        {
            // Two frames in one chunk share their read's stamp however long the consumer takes between them; a frame
            // of a later chunk is stamped later; every stamp carries the local offset.
            string a = Faults.Frame("text", "{\"type\":\"text\",\"text\":\"a\"}");
            string b = Faults.Frame("text", "{\"type\":\"text\",\"text\":\"b\"}");
            string c = Faults.Frame("done", "{\"type\":\"done\"}");
            Server.Enqueue("POST", "/v1/runs", Faults.RawSse(new[] { (a + b, TimeSpan.Zero), (c, TimeSpan.FromMilliseconds(100)) }));
            using RunStream stream = await Connection.StartRunAsync(new RunRequest { Agent = "qa", Prompt = "p" });

            var events = new List<RunEvent>();
            await foreach (RunEvent ev in stream.ReadEventsAsync())
            {
                events.Add(ev);
                if (events.Count == 1)
                {
                    await Task.Delay(50);
                }
            }

            Assert.Equal(3, events.Count);
            Assert.Equal(events[0].ReceivedAt, events[1].ReceivedAt);
            Assert.True(events[2].ReceivedAt > events[1].ReceivedAt);
            Assert.All(events, ev => Assert.Equal(TimeZoneInfo.Local.GetUtcOffset(ev.ReceivedAt.UtcDateTime), ev.ReceivedAt.Offset));
        }

        [Fact]
        public async Task ReadEvents_ASecondReading_FailsAtItsFirstMove_TheFirstReadsOn()
        {
            Server.Enqueue("POST", "/v1/runs", Faults.RawSse(
                Faults.Frame("text", "{\"type\":\"text\",\"text\":\"a\"}"), Faults.Frame("done", "{\"type\":\"done\"}")));
            using RunStream stream = await Connection.StartRunAsync(new RunRequest { Agent = "qa", Prompt = "p" });
            await using IAsyncEnumerator<RunEvent> first = stream.ReadEventsAsync().GetAsyncEnumerator();
            Assert.True(await first.MoveNextAsync());

            IAsyncEnumerable<RunEvent> second = stream.ReadEventsAsync();
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await second.GetAsyncEnumerator().MoveNextAsync());

            Assert.Equal(1, first.Current.Sequence);
            Assert.True(await first.MoveNextAsync());
            Assert.Equal(2, first.Current.Sequence);
            Assert.False(await first.MoveNextAsync());
            Assert.False(await first.MoveNextAsync());
            Assert.True(stream.Result.Completed);
            Assert.Equal("a", stream.Result.Text);
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task ReadEvents_EitherToken_TheArgumentsOrWithCancellations_EndsAHeldRead(bool cancelTheArgument)
        {
            using var release = new CancellationTokenSource();
            Server.Enqueue("POST", "/v1/runs", Faults.HoldOpen(
                new[] { Faults.Frame("text", "{\"type\":\"text\",\"text\":\"x\"}") },
                Task.Delay(Timeout.Infinite, release.Token)));
            using RunStream stream = await Connection.StartRunAsync(new RunRequest { Agent = "qa", Prompt = "p" });
            using var argument = new CancellationTokenSource();
            using var enumerator = new CancellationTokenSource();

            var seen = new List<RunEvent>();
            Task read = Task.Run(async () =>
            {
                await foreach (RunEvent ev in stream.ReadEventsAsync(argument.Token).WithCancellation(enumerator.Token))
                {
                    seen.Add(ev);
                    (cancelTheArgument ? argument : enumerator).Cancel();
                }
            });

            Task ended = await Task.WhenAny(read, Task.Delay(HangGuard));
            release.Cancel();
            Assert.Same(read, ended); // the held read ended because of the token, not the guard
            Exception? error = await Record.ExceptionAsync(() => read);
            Assert.NotNull(error);
            Assert.False(error is LoomcycleConnectionException, "a cancelled read is not a broken stream: " + error);
            Assert.Single(seen);
        }

        [Fact]
        public async Task LeavingTheLoopEarly_ClosesTheConnection_ServerSeesTheAbort()
        {
            using var release = new CancellationTokenSource();
            Server.Enqueue("POST", "/v1/runs", Faults.HoldOpen(
                new[] { Faults.Frame("started", "{\"type\":\"started\"}"), Faults.Frame("text", "{\"type\":\"text\",\"text\":\"x\"}") },
                Task.Delay(Timeout.Infinite, release.Token)));

            var sinceBreak = new System.Diagnostics.Stopwatch();
            await foreach (RunEvent ev in Connection.StreamRunAsync(new RunRequest { Agent = "qa", Prompt = "p" }))
            {
                if (ev.Type == "text")
                {
                    sinceBreak.Start();
                    break;
                }
            }

            await Server.WaitForStreamAbortAsync(HangGuard);
            TimeSpan closedAfter = sinceBreak.Elapsed;
            release.Cancel();

            // A bound, not a measurement: closing takes about 10 ms. 1 s leaves room for a loaded 2-core machine, and still
            // fails a client that drains the stream for reuse before closing it (SocketsHttpHandler.ResponseDrainTimeout of 2 s).
            Assert.True(closedAfter < TimeSpan.FromSeconds(1), $"the server saw the stream closed {closedAfter.TotalMilliseconds:0} ms after the loop was left");
        }
        [Fact]
        public async Task LeavingTheLoopEarly_ConnectionIsClosedNotDrainedForReuse()
        {
            // If the client drained the rest of the stream to pool the socket, the next call would reuse the run's connection.
            using var release = new CancellationTokenSource();
            Server.Enqueue("POST", "/v1/runs", Faults.HoldOpen(
                new[] { Faults.Frame("text", "{\"type\":\"text\",\"text\":\"x\"}") },
                Task.Delay(Timeout.Infinite, release.Token)));

            await foreach (RunEvent ev in Connection.StreamRunAsync(new RunRequest { Agent = "qa", Prompt = "p" }))
            {
                break;
            }

            // The server sees the close while it still holds the stream open (a drain would keep the socket reading).
            var closed = Server.WaitForStreamAbortAsync(HangGuard);
            var sinceBreak = System.Diagnostics.Stopwatch.StartNew();
            await closed;
            TimeSpan closedAfter = sinceBreak.Elapsed;
            release.Cancel();
            await Connection.GetRuntimeStateAsync();

            // Generous bound (a close takes ~10 ms): a 2 s drain-for-reuse fails it even on a loaded 2-core machine.
            Assert.True(closedAfter < TimeSpan.FromSeconds(1), $"the stream was closed {closedAfter.TotalMilliseconds:0} ms after the loop was left");

            Assert.Equal(2, Server.Requests.Count);
            Assert.NotEqual(Server.Requests[0].ConnectionId, Server.Requests[1].ConnectionId);
        }
    }
}
