using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.Benchmarks.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Loomcycle.Benchmarks.Scenarios
{
    /// <summary>
    /// Scenario 3: first-event latency, from the server writing the first frame to the object reaching (a) the bare
    /// loop, (b) the engine's ReadEventsAsync, (c) a cmdlet downstream of Invoke-LoomcycleRun in the pipeline. The
    /// stream is held open after that frame (released only when the first object arrived, or after 5 s), so any
    /// buffering anywhere shows up as a 5 s latency instead of being hidden by the end of the stream.
    /// </summary>
    public sealed class LatencyScenario : IAsyncDisposable
    {
        public static readonly TimeSpan ReleaseAfter = TimeSpan.FromSeconds(5);
        private static readonly TimeSpan HeaderGap = TimeSpan.FromMilliseconds(10);
        private static readonly byte[] FirstFrame = Encoding.UTF8.GetBytes("event: text\ndata: {\"type\":\"text\",\"text\":\"first\"}\n\n");
        private static readonly byte[] DoneFrame = Encoding.UTF8.GetBytes("event: done\ndata: {\"type\":\"done\",\"stop_reason\":\"end_turn\"}\n\n");
        private static readonly byte[] RunBody = Encoding.UTF8.GetBytes("{\"agent\":\"chatty\",\"prompt\":\"1\"}");

        private long _serverWrote;
        private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private LatencyScenario(BenchServer server, HostedRunspace runspace)
        {
            Server = server;
            Runspace = runspace;
        }

        public BenchServer Server { get; }

        public HostedRunspace Runspace { get; }

        public static async Task<LatencyScenario> StartAsync()
        {
            BenchServer server = await BenchServer.StartAsync().ConfigureAwait(false);
            return new LatencyScenario(server, HostedRunspace.ForLoomcycle(server.BaseUri));
        }

        private void Arm()
        {
            _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Exchange(ref _serverWrote, 0);
            TaskCompletionSource release = _release;
            Server.NextRun(async ctx =>
            {
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentType = "text/event-stream";
                ctx.Response.Headers.CacheControl = "no-cache";
                ctx.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
                await ctx.Response.StartAsync(ctx.RequestAborted).ConfigureAwait(false);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
                await Task.Delay(HeaderGap, ctx.RequestAborted).ConfigureAwait(false); // the client is parked in a read by now
                Interlocked.Exchange(ref _serverWrote, Stopwatch.GetTimestamp());
                await ctx.Response.Body.WriteAsync(FirstFrame, ctx.RequestAborted).ConfigureAwait(false);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
                try
                {
                    await release.Task.WaitAsync(ReleaseAfter, ctx.RequestAborted).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // Buffered somewhere: the first object never arrived while the stream was open.
                }

                await ctx.Response.Body.WriteAsync(DoneFrame, ctx.RequestAborted).ConfigureAwait(false);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
            });
        }

        private double Elapsed(long arrival) =>
            arrival == 0 || _serverWrote == 0 ? double.NaN : Stopwatch.GetElapsedTime(Volatile.Read(ref _serverWrote), arrival).TotalMilliseconds;

        public async Task<double> BareAsync()
        {
            Arm();
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/runs") { Content = new ByteArrayContent(RunBody) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Accept.ParseAdd("text/event-stream");
            using HttpResponseMessage response = await Server.Bare.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            using Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            long arrival = 0;
            await foreach (SseItem<string> item in SseParser.Create(body).EnumerateAsync().ConfigureAwait(false))
            {
                if (arrival == 0)
                {
                    arrival = Stopwatch.GetTimestamp();
                    _release.TrySetResult();
                }
            }

            return Elapsed(arrival);
        }

        public async Task<double> EngineAsync()
        {
            Arm();
            using RunStream stream = await Server.Connection.StartRunAsync(new RunRequest { Agent = "chatty", Prompt = "1" }).ConfigureAwait(false);
            long arrival = 0;
            await foreach (RunEvent ev in stream.ReadEventsAsync().ConfigureAwait(false))
            {
                if (arrival == 0)
                {
                    arrival = Stopwatch.GetTimestamp();
                    _release.TrySetResult();
                }
            }

            return Elapsed(arrival);
        }

        public double Pipeline()
        {
            Arm();
            TaskCompletionSource release = _release;
            BenchShared.Reset(() => release.TrySetResult());
            Runspace.Run("Invoke-LoomcycleRun -Agent chatty -Prompt 1 | Set-BenchArrival | Out-Null");
            return Elapsed(Interlocked.Read(ref BenchShared.FirstArrival));
        }

        /// <summary>Interleaves the three paths <paramref name="rounds"/> times (after one warm-up round).</summary>
        public async Task<(List<double> Bare, List<double> Engine, List<double> Pipeline)> MeasureAsync(int rounds)
        {
            await BareAsync().ConfigureAwait(false);
            await EngineAsync().ConfigureAwait(false);
            Pipeline();
            var bare = new List<double>();
            var engine = new List<double>();
            var pipeline = new List<double>();
            for (int i = 0; i < rounds; i++)
            {
                bare.Add(await BareAsync().ConfigureAwait(false));
                engine.Add(await EngineAsync().ConfigureAwait(false));
                pipeline.Add(await Task.Run(Pipeline).ConfigureAwait(false));
            }

            return (bare, engine, pipeline);
        }

        public async ValueTask DisposeAsync()
        {
            Runspace.Dispose();
            await Server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
