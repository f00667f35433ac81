using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer;

namespace Loomcycle.Client.Tests.FaultTests
{
    /// <summary>Small helpers shared by the fault tests: connections with tiny retry waits, a diagnostics sink, counting.</summary>
    internal static class FaultTestKit
    {
        public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

        public static LoomcycleConnection Connect(FakeLoomcycleServer server, Action<LoomcycleConnectionOptions>? configure = null)
        {
            var options = new LoomcycleConnectionOptions
            {
                BaseUri = server.BaseUri,
                RetryInterval = TimeSpan.FromMilliseconds(10),
                MaximumRetryDelay = TimeSpan.FromMilliseconds(50),
                MaximumRetryCount = 2,
            };
            configure?.Invoke(options);
            return new LoomcycleConnection(options);
        }

        /// <summary>Installs a diagnostics sink for the current async flow and returns what it collects.</summary>
        public static ConcurrentQueue<(DiagnosticLevel Level, string Text)> CaptureDiagnostics(int? maximumRetryCount = null)
        {
            var sink = new ConcurrentQueue<(DiagnosticLevel, string)>();
            LoomcycleCallContext.Current = new LoomcycleCallContext
            {
                Diagnostics = (level, text) => sink.Enqueue((level, text)),
                MaximumRetryCount = maximumRetryCount,
            };
            return sink;
        }

        /// <summary>Polls a condition the fake server makes true (a request seen, a frame flushed), bounded by the hang guard.</summary>
        public static async Task WaitUntilAsync(Func<bool> condition, string what)
        {
            DateTime deadline = DateTime.UtcNow + HangGuard;
            while (!condition())
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException("Timed out waiting for " + what);
                }

                await Task.Delay(10);
            }
        }

        public static int Count(this FakeLoomcycleServer server, string method, string path) =>
            server.Requests.Count(r => r.Method == method && r.Path == path);

        public static async Task<List<RunEvent>> ReadAllAsync(RunStream stream, CancellationToken token = default)
        {
            var events = new List<RunEvent>();
            await foreach (RunEvent ev in stream.ReadEventsAsync(token))
            {
                events.Add(ev);
            }

            return events;
        }

        public static RunRequest Run(string agent = "echo", string prompt = "hello") => new RunRequest { Agent = agent, Prompt = prompt };

        public static string Frame(string type, string json) => Faults.Frame(type, json);

        public static readonly string[] HealthyRunFrames =
        {
            Faults.Frame("started", "{\"type\":\"started\"}"),
            Faults.Frame("text", "{\"type\":\"text\",\"text\":\"hi\"}"),
            Faults.Frame("done", "{\"type\":\"done\",\"stop_reason\":\"end_turn\"}"),
        };
    }

    /// <summary>Wraps the real handler and counts the response bytes the client actually read.</summary>
    internal sealed class CountingHandler : DelegatingHandler
    {
        private long _bytesRead;

        public CountingHandler(HttpMessageHandler inner) : base(inner) { }

        public long BytesRead => Interlocked.Read(ref _bytesRead);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            var original = response.Content;
            Stream body = await original.ReadAsStreamAsync(cancellationToken);
            var counted = new StreamContent(new CountingStream(body, n => Interlocked.Add(ref _bytesRead, n)));
            foreach (var header in original.Headers)
            {
                counted.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = counted;
            return response;
        }
    }
}
