using System;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using System.Collections.Generic;

namespace Loomcycle.Benchmarks.Infrastructure
{
    /// <summary>What the bench cmdlets read and write; set by the benchmark before each invocation.</summary>
    public static class BenchShared
    {
        /// <summary>The objects Write-BenchObject emits (pre-built RunEvents of the same corpus).</summary>
        public static object[] Objects = Array.Empty<object>();

        /// <summary>Stopwatch timestamp of the first object Set-BenchArrival saw (0 until then).</summary>
        public static long FirstArrival;

        /// <summary>Called once by Set-BenchArrival on the first object (releases the held server stream).</summary>
        public static Action? OnFirstArrival;

        /// <summary>The plain HttpClient Read-BenchStream reads with (the bench server's bare client).</summary>
        public static HttpClient? Client;

        /// <summary>Called by Measure-BenchArrival with the Stopwatch timestamp of every object's arrival.</summary>
        public static Action<long>? OnArrival;

        public static void Reset(Action? onFirstArrival)
        {
            Interlocked.Exchange(ref FirstArrival, 0);
            OnFirstArrival = onFirstArrival;
        }
    }

    /// <summary>The pipeline baseline: writes <see cref="BenchShared.Objects"/> with WriteObject, nothing else.</summary>
    [Cmdlet(VerbsCommunications.Write, "BenchObject")]
    public sealed class WriteBenchObjectCommand : PSCmdlet
    {
        protected override void ProcessRecord()
        {
            object[] objects = BenchShared.Objects;
            for (int i = 0; i < objects.Length; i++)
            {
                WriteObject(objects[i]);
            }
        }
    }

    /// <summary>
    /// The pipeline baseline of issue 15: a compiled cmdlet doing the bare loop on the pipeline thread — POST /v1/runs with
    /// HttpClient, SseParser over the response, System.Text.Json (source-generated RunEvent) — and writing each event.
    /// No masking, no Data, no idle timeout, no Ctrl+C: the floor the module is measured against.
    /// </summary>
    [Cmdlet(VerbsCommunications.Read, "BenchStream")]
    public sealed class ReadBenchStreamCommand : PSCmdlet
    {
        private static readonly byte[] RunBody = Encoding.UTF8.GetBytes("{\"agent\":\"chatty\",\"prompt\":\"1\"}");

        /// <summary>Reads with async I/O, the pipeline thread sleeping on an event while a read waits (the hop the module's bridge makes).</summary>
        [Parameter]
        public SwitchParameter Async { get; set; }

        protected override void ProcessRecord()
        {
            if (Async)
            {
                ReadAsynchronously();
                return;
            }

            HttpClient client = BenchShared.Client ?? throw new InvalidOperationException("BenchShared.Client is not set.");
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/runs") { Content = new ByteArrayContent(RunBody) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Accept.ParseAdd("text/event-stream");
            using HttpResponseMessage response = client.Send(request, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            using Stream body = response.Content.ReadAsStream();
            SseParser<RunEvent?> parser = SseParser.Create(body, static (type, data) => JsonSerializer.Deserialize(data, LoomcycleJsonContext.Default.RunEvent));
            foreach (SseItem<RunEvent?> item in parser.Enumerate())
            {
                if (item.Data is not null)
                {
                    WriteObject(item.Data);
                }
            }
        }

        private void ReadAsynchronously()
        {
            HttpClient client = BenchShared.Client ?? throw new InvalidOperationException("BenchShared.Client is not set.");
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/runs") { Content = new ByteArrayContent(RunBody) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Accept.ParseAdd("text/event-stream");
            using HttpResponseMessage response = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
            response.EnsureSuccessStatusCode();
            using Stream body = response.Content.ReadAsStreamAsync().GetAwaiter().GetResult();
            SseParser<RunEvent?> parser = SseParser.Create(body, static (type, data) => JsonSerializer.Deserialize(data, LoomcycleJsonContext.Default.RunEvent));
            using var signal = new ManualResetEventSlim(false, 0);
            Action wake = signal.Set;
            IAsyncEnumerator<SseItem<RunEvent?>> items = parser.EnumerateAsync().GetAsyncEnumerator();
            try
            {
                while (true)
                {
                    ValueTask<bool> next = items.MoveNextAsync();
                    if (!next.IsCompleted)
                    {
                        signal.Reset();
                        next.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(wake);
                        signal.Wait();
                    }

                    if (!next.GetAwaiter().GetResult())
                    {
                        break;
                    }

                    if (items.Current.Data is { } ev)
                    {
                        WriteObject(ev);
                    }
                }
            }
            finally
            {
                items.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
    }

    /// <summary>A pipeline sink that stamps the arrival of the first object and counts the rest.</summary>
    [Cmdlet(VerbsCommon.Set, "BenchArrival")]
    public sealed class SetBenchArrivalCommand : PSCmdlet
    {
        private int _count;

        [Parameter(ValueFromPipeline = true)]
        public object? InputObject { get; set; }

        protected override void ProcessRecord()
        {
            if (_count++ == 0)
            {
                Interlocked.Exchange(ref BenchShared.FirstArrival, Stopwatch.GetTimestamp());
                BenchShared.OnFirstArrival?.Invoke();
            }
        }

        protected override void EndProcessing() => WriteObject(_count);
    }

    /// <summary>A pipeline sink that stamps the arrival of every object (<see cref="BenchShared.OnArrival"/>) and writes nothing.</summary>
    [Cmdlet(VerbsDiagnostic.Measure, "BenchArrival")]
    public sealed class MeasureBenchArrivalCommand : PSCmdlet
    {
        [Parameter(ValueFromPipeline = true)]
        public object? InputObject { get; set; }

        protected override void ProcessRecord() => BenchShared.OnArrival?.Invoke(Stopwatch.GetTimestamp());
    }
}
