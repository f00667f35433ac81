using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;
using static Loomcycle.Client.Tests.FaultTests.FaultTestKit;

namespace Loomcycle.Client.Tests.FaultTests
{
    /// <summary>A server or proxy that misbehaves: every case ends in a clear typed error or a skip with a warning.</summary>
    public sealed class MisbehavingServerTests : IAsyncLifetime
    {
        private FakeLoomcycleServer _server = null!;

        public async Task InitializeAsync() => _server = await FakeLoomcycleServer.StartAsync();

        public async Task DisposeAsync() => await _server.DisposeAsync();

        [Fact]
        public async Task AFrameWithBrokenJsonIsSkippedWithAWarningAndTheRestArrives()
        {
            var diagnostics = CaptureDiagnostics();
            using LoomcycleConnection connection = Connect(_server);
            _server.Enqueue("POST", "/v1/runs", Faults.RawSse(HealthyRunFrames[0], Frame("text", "{\"type\":\"text\",\"text\":"), HealthyRunFrames[1], HealthyRunFrames[2]));

            using RunStream stream = await connection.StartRunAsync(Run());
            List<RunEvent> events = await ReadAllAsync(stream);

            Assert.Equal(new[] { "started", "text", "done" }, events.Select(e => e.Type));
            Assert.Equal(1, stream.SkippedFrames);
            Assert.Contains(diagnostics, d => d.Level == DiagnosticLevel.Warning && d.Text.Contains("Skipped a 'text' event"));
        }

        [Fact]
        public async Task InvalidUtf8InAFrameIsSkippedWithAWarning()
        {
            var diagnostics = CaptureDiagnostics();
            using LoomcycleConnection connection = Connect(_server);
            byte[] bad = Concat(Encoding.ASCII.GetBytes("event: text\ndata: {\"type\":\"text\",\"text\":\"a"), new byte[] { 0xff, 0xfe, 0xc3 }, Encoding.ASCII.GetBytes("\"}\n\n"));
            _server.Enqueue("POST", "/v1/runs", Faults.RawSse(Encoding.UTF8.GetBytes(HealthyRunFrames[0]), bad, Encoding.UTF8.GetBytes(HealthyRunFrames[2])));

            using RunStream stream = await connection.StartRunAsync(Run());
            List<RunEvent> events = await ReadAllAsync(stream);

            Assert.Equal(new[] { "started", "done" }, events.Select(e => e.Type));
            Assert.Contains(diagnostics, d => d.Level == DiagnosticLevel.Warning && d.Text.Contains("not valid JSON"));
        }

        [Fact]
        public async Task AStreamThatEndsInTheMiddleOfAFrameIsReportedAsCut()
        {
            using LoomcycleConnection connection = Connect(_server);
            _server.Enqueue("POST", "/v1/runs", Faults.RawSse(HealthyRunFrames[0], "event: text\ndata: {\"type\":\"text\",\"te"));

            using RunStream stream = await connection.StartRunAsync(Run());
            List<RunEvent> events = await ReadAllAsync(stream);

            Assert.Equal("started", Assert.Single(events).Type);
            Assert.True(stream.Result.EndedMidFrame);
            Assert.False(stream.Result.Succeeded);
            Assert.Contains("cut in the middle of an event", stream.Result.FailureReason);
        }

        [Fact]
        public async Task AConnectionResetMidFrameIsATypedErrorThatSaysSo()
        {
            using LoomcycleConnection connection = Connect(_server);
            _server.Enqueue("POST", "/v1/runs", Faults.RawSseThenReset(HealthyRunFrames[0], "event: text\ndata: {\"type\":"));

            using RunStream stream = await connection.StartRunAsync(Run());
            var error = await Assert.ThrowsAsync<LoomcycleConnectionException>(() => ReadAllAsync(stream));

            Assert.Contains("broke after 1 events, in the middle of an event", error.Message);
        }

        [Fact]
        public async Task APanicLineInsideTheStreamIsIgnoredAndTheDropIsReported()
        {
            using LoomcycleConnection connection = Connect(_server);
            _server.Enqueue("POST", "/v1/runs", Faults.RawSseThenReset(HealthyRunFrames[0], HealthyRunFrames[1], "{\"error\":\"internal server error\"}"));

            using RunStream stream = await connection.StartRunAsync(Run());
            var events = new List<RunEvent>();
            var error = await Assert.ThrowsAsync<LoomcycleConnectionException>(async () =>
            {
                await foreach (RunEvent ev in stream.ReadEventsAsync())
                {
                    events.Add(ev);
                }
            });

            Assert.Equal(new[] { "started", "text" }, events.Select(e => e.Type));
            Assert.Contains("broke after 2 events", error.Message);
        }

        [Fact]
        public async Task AProxysHtmlErrorPageBecomesAClearErrorWithAShortExcerpt()
        {
            using LoomcycleConnection connection = Connect(_server, o => o.MaximumRetryCount = 0);
            _server.Enqueue("GET", "/v1/_state", Faults.Html(502));

            var error = await Assert.ThrowsAnyAsync<LoomcycleException>(() => connection.GetRuntimeStateAsync());

            Assert.Equal(502, error.StatusCode);
            Assert.Contains("502 Bad Gateway", error.Message);
            Assert.True(error.BodyText!.Length <= LoomcycleException.MaxBodyTextLength);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task AHugeErrorBodyKeepsAnExcerptOfAtMostOneKiB(bool chunked)
        {
            var counting = new CountingHandler(new SocketsHttpHandler());
            using LoomcycleConnection connection = Connect(_server, o =>
            {
                o.MaximumRetryCount = 0;
                o.Handler = counting;
            });
            _server.Enqueue("GET", "/v1/_state", Faults.HugeBody(500, 512L * 1024 * 1024, chunked));

            var error = await Assert.ThrowsAnyAsync<LoomcycleException>(() => connection.GetRuntimeStateAsync()).WaitAsync(HangGuard);

            Assert.Equal(500, error.StatusCode);
            Assert.InRange(error.BodyText!.Length, 1, LoomcycleException.MaxBodyTextLength);
            Assert.InRange(error.Message.Length, 1, 2 * LoomcycleException.MaxBodyTextLength);
            Assert.True(counting.BytesRead <= 1024 * 1024, $"read {counting.BytesRead} bytes of a 512 MiB error body");
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task AHugeJsonAnswerEndsInATypedErrorAtTheCap(bool chunked)
        {
            var counting = new CountingHandler(new SocketsHttpHandler());
            using LoomcycleConnection connection = Connect(_server, o =>
            {
                o.Handler = counting;
                o.MaximumResponseBytes = 4 * 1024 * 1024;
            });
            _server.Enqueue("GET", "/v1/_state", Faults.HugeBody(200, 3L * 1024 * 1024 * 1024, chunked));
            long before = GC.GetTotalAllocatedBytes(precise: false);

            var error = await Assert.ThrowsAsync<LoomcycleProtocolException>(() => connection.GetRuntimeStateAsync()).WaitAsync(HangGuard);

            long allocated = GC.GetTotalAllocatedBytes(precise: false) - before;
            Assert.Contains("larger than the 4 MiB", error.Message);
            Assert.True(counting.BytesRead <= 4 * 1024 * 1024 + 64 * 1024, $"read {counting.BytesRead} bytes");
            Assert.Equal(1, _server.Count("GET", "/v1/_state"));
            Console.WriteLine($"S5: 3 GiB answer (chunked={chunked}) stopped after {counting.BytesRead} bytes; ~{allocated / (1024 * 1024)} MiB allocated process-wide meanwhile");
        }

        [Fact]
        public async Task A200WithTheWrongContentTypeOnAStreamRouteIsAProtocolError()
        {
            using LoomcycleConnection connection = Connect(_server);
            _server.Enqueue("POST", "/v1/runs", Faults.WrongContentType());

            var error = await Assert.ThrowsAsync<LoomcycleProtocolException>(() => connection.StartRunAsync(Run()));

            Assert.Contains("Expected an event stream", error.Message);
            Assert.Contains("application/json", error.Message);
            Assert.Equal(1, _server.Count("POST", "/v1/runs"));
        }

        [Fact]
        public async Task A200WithHtmlOnAJsonRouteIsAProtocolError()
        {
            using LoomcycleConnection connection = Connect(_server);
            _server.Enqueue("GET", "/v1/_state", Faults.Status(200, "text/html", "<html><body>login</body></html>"));

            var error = await Assert.ThrowsAsync<LoomcycleProtocolException>(() => connection.GetRuntimeStateAsync());

            Assert.Contains("not the JSON this module expects", error.Message);
            Assert.Contains("<html>", error.BodyText);
        }

        [Fact]
        public async Task ALineWithNoEndIsCutOffAtTheEventCapWithBoundedReading()
        {
            const int cap = 2 * 1024 * 1024;
            var counting = new CountingHandler(new SocketsHttpHandler());
            using LoomcycleConnection connection = Connect(_server, o =>
            {
                o.Handler = counting;
                o.MaximumEventBytes = cap;
            });
            _server.Enqueue("POST", "/v1/runs", Faults.EndlessLine());
            long before = GC.GetTotalAllocatedBytes(precise: false);

            using RunStream stream = await connection.StartRunAsync(Run());
            var error = await Assert.ThrowsAsync<LoomcycleProtocolException>(() => ReadAllAsync(stream)).WaitAsync(HangGuard);
            stream.Dispose();

            long allocated = GC.GetTotalAllocatedBytes(precise: false) - before;
            Assert.Contains("exceeded 2 MiB", error.Message);
            Assert.InRange(counting.BytesRead, cap, cap + (256 * 1024)); // the cap plus at most one read buffer
            await _server.WaitForStreamAbortAsync(HangGuard);
            Console.WriteLine($"R2: endless line stopped after {counting.BytesRead} bytes (cap {cap}); ~{allocated / (1024 * 1024)} MiB allocated process-wide meanwhile");
        }

        private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
    }
}
