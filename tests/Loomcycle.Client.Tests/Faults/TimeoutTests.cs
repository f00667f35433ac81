using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;
using static Loomcycle.Client.Tests.FaultTests.FaultTestKit;

namespace Loomcycle.Client.Tests.FaultTests
{
    /// <summary>Idle timeout instead of a total one for streams (R3), request and connect timeouts, the long pause.</summary>
    public sealed class TimeoutTests
    {
        [Fact]
        public async Task ASilentStreamEndsWithATypedTimeoutAndTheConnectionIsClosed()
        {
            await using var server = await FakeLoomcycleServer.StartAsync();
            using LoomcycleConnection connection = Connect(server, o => o.StreamIdleTimeout = TimeSpan.FromSeconds(1));
            server.Enqueue("POST", "/v1/runs", Faults.HoldOpen(new[] { HealthyRunFrames[0] }, new TaskCompletionSource().Task));

            using RunStream stream = await connection.StartRunAsync(Run());
            var events = new List<RunEvent>();
            var error = await Assert.ThrowsAsync<LoomcycleTimeoutException>(async () =>
            {
                await foreach (RunEvent ev in stream.ReadEventsAsync().WithCancellation(CancellationToken.None))
                {
                    events.Add(ev);
                }
            }).WaitAsync(HangGuard);

            Assert.Equal("started", Assert.Single(events).Type);
            Assert.Contains("went silent", error.Message);
            stream.Dispose();
            await server.WaitForStreamAbortAsync(HangGuard);
        }

        [Fact]
        public async Task KeepalivesKeepASlowHealthyStreamAliveFarPastTheIdleTimeout()
        {
            await using var server = await FakeLoomcycleServer.StartAsync();
            // Keepalives every 0.2 s against a 3 s idle timeout (15 times the interval), so a loaded machine cannot fake a
            // silence; 6 s of nothing but keepalives outlasts the timeout twice.
            using LoomcycleConnection connection = Connect(server, o => o.StreamIdleTimeout = TimeSpan.FromSeconds(3));
            var chunks = new List<(string, TimeSpan)> { (HealthyRunFrames[0], TimeSpan.Zero) };
            chunks.AddRange(Enumerable.Repeat((": keepalive\n\n", TimeSpan.FromMilliseconds(200)), 30));
            chunks.Add((HealthyRunFrames[1], TimeSpan.Zero));
            chunks.Add((HealthyRunFrames[2], TimeSpan.Zero));
            server.Enqueue("POST", "/v1/runs", Faults.RawSse(chunks));

            using RunStream stream = await connection.StartRunAsync(Run());
            List<RunEvent> events = await ReadAllAsync(stream).WaitAsync(HangGuard);

            Assert.Equal(new[] { "started", "text", "done" }, events.Select(e => e.Type));
            Assert.True(stream.Result.Succeeded);
        }

        [Fact]
        public async Task TheRequestTimeoutNeverCutsAStreamThatIsStillDelivering()
        {
            await using var server = await FakeLoomcycleServer.StartAsync();
            // Warm the server and this process's code paths first with a connection of its own (default timeouts), so the
            // short request timeout below is not spent on a cold server's first run.
            using (LoomcycleConnection warm = Connect(server))
            {
                using RunStream warmup = await warm.StartRunAsync(Run("echo")).WaitAsync(HangGuard);
                await ReadAllAsync(warmup).WaitAsync(HangGuard);
            }

            // slow: ten deltas 200 ms apart (2 s), twice the request timeout: a timeout that covered the stream cuts it.
            using LoomcycleConnection connection = Connect(server, o =>
            {
                o.RequestTimeout = TimeSpan.FromSeconds(1);
                o.StreamIdleTimeout = TimeSpan.FromSeconds(5); // this test is about the request timeout, not the idle one
            });

            using RunStream stream = await connection.StartRunAsync(Run("slow"));
            List<RunEvent> events = await ReadAllAsync(stream).WaitAsync(HangGuard);

            Assert.Equal(10, events.Count(e => e.Type == "text"));
            Assert.True(stream.Result.Succeeded);
        }

        [Fact]
        public async Task AJsonCallThatGetsNoAnswerEndsWithATypedTimeoutAndIsNotRetried()
        {
            await using var server = await FakeLoomcycleServer.StartAsync();
            using LoomcycleConnection connection = Connect(server, o => o.RequestTimeout = TimeSpan.FromMilliseconds(500));
            server.Enqueue("GET", "/v1/_state", Faults.Delayed(TimeSpan.FromSeconds(20)));

            var error = await Assert.ThrowsAsync<LoomcycleTimeoutException>(() => connection.GetRuntimeStateAsync()).WaitAsync(HangGuard);

            Assert.Contains("within 0.5 s", error.Message);
            // On a cold, loaded server the timeout can fire before the request is recorded: wait for it to be seen (a
            // retry cannot come any more, the call has ended), then check it was the only one.
            await WaitUntilAsync(() => server.Count("GET", "/v1/_state") >= 1, "the request to reach the server");
            Assert.Equal(1, server.Count("GET", "/v1/_state"));
        }

        [Fact]
        public async Task PauseWaitsForTheServersWindDownLongerThanTheRequestTimeout()
        {
            await using var server = await FakeLoomcycleServer.StartAsync(new FakeServerOptions { PauseDuration = TimeSpan.FromSeconds(3) });
            using LoomcycleConnection connection = Connect(server, o => o.RequestTimeout = TimeSpan.FromSeconds(1));

            PauseResult paused = await connection.PauseRuntimeAsync().WaitAsync(HangGuard);

            Assert.Equal("paused", paused.State);
            await connection.ResumeRuntimeAsync();

            PauseResult bounded = await connection.PauseRuntimeAsync(timeoutMs: 2000).WaitAsync(HangGuard);
            Assert.Equal("paused", bounded.State);
            await connection.ResumeRuntimeAsync();
        }

        [Fact]
        public async Task AConnectThatNeverCompletesEndsWithATypedTimeout()
        {
            // A listener whose accept queue is full: the kernel drops further SYNs, so connect() hangs.
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(0);
            int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            var fillers = new List<Socket>();
            var connects = new List<Task>();
            try
            {
                for (int i = 0; i < 4; i++)
                {
                    var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    fillers.Add(filler);
                    connects.Add(filler.ConnectAsync(IPAddress.Loopback, port));
                }

                await Task.WhenAny(connects).WaitAsync(HangGuard); // the accept queue holds a connection: it is full
                var diagnostics = CaptureDiagnostics();
                using var connection = new LoomcycleConnection(new LoomcycleConnectionOptions
                {
                    BaseUri = new Uri($"http://127.0.0.1:{port}/"),
                    ConnectTimeout = TimeSpan.FromMilliseconds(500),
                    MaximumRetryCount = 1,
                    RetryInterval = TimeSpan.FromMilliseconds(10),
                });

                var error = await Assert.ThrowsAsync<LoomcycleTimeoutException>(() => connection.GetRuntimeStateAsync()).WaitAsync(HangGuard);

                Assert.Contains("could not connect", error.Message);
                Assert.Contains(diagnostics, d => d.Text.Contains("Retry 1 of 1"));
            }
            finally
            {
                fillers.ForEach(f => f.Dispose());
            }
        }
    }
}
