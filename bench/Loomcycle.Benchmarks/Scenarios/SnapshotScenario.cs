using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading.Tasks;
using Loomcycle.Benchmarks.Infrastructure;
using Loomcycle.FakeServer;

namespace Loomcycle.Benchmarks.Scenarios
{
    /// <summary>
    /// Scenario 4: a snapshot envelope of a given size (1 GiB in the full run) exported to a file and restored from it.
    /// Engine: ExportSnapshotToFileAsync / RestoreSnapshotFromFileAsync. Baseline: a plain file copy through HttpClient
    /// (GET → CopyToAsync(FileStream); POST StreamContent(FileStream) of the same request bytes). The fake server
    /// generates the envelope while it sends it and scans the restore upload without buffering it.
    /// </summary>
    public sealed class SnapshotScenario : IAsyncDisposable
    {
        public const string SnapshotId = "snap_bench_large";

        private SnapshotScenario(BenchServer server, long size, string folder)
        {
            Server = server;
            Size = size;
            Folder = folder;
            Generated = server.Server.State.AddGeneratedSnapshot(SnapshotId, size).Generated!;
        }

        public BenchServer Server { get; }

        public long Size { get; }

        public string Folder { get; }

        public GeneratedEnvelope Generated { get; }

        public string BarePath => Path.Combine(Folder, "bare.json");

        public string EnginePath => Path.Combine(Folder, "engine.json");

        /// <summary>The restore request body as a file (<c>{"json":</c> + envelope + <c>}</c>), for the baseline upload.</summary>
        public string RequestBodyPath => Path.Combine(Folder, "restore-request.json");

        public static async Task<SnapshotScenario> StartAsync(long size)
        {
            // Streamed restores from 1 MiB up, so the small smoke run takes the same path as the 1 GiB run.
            BenchServer server = await BenchServer.StartAsync(o => o.StreamRequestBodyAbove = 1L << 20).ConfigureAwait(false);
            string folder = Path.Combine(Path.GetTempPath(), "loomcycle-bench-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            return new SnapshotScenario(server, size, folder);
        }

        public async Task ExportBareAsync()
        {
            using HttpResponseMessage response = await Server.Bare.GetAsync("v1/_snapshots/" + SnapshotId + "/export", HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            using Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            using var file = new FileStream(BarePath, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            await body.CopyToAsync(file, 81920).ConfigureAwait(false);
        }

        public async Task ExportEngineAsync()
        {
            FileInfo file = await Server.Connection.ExportSnapshotToFileAsync(SnapshotId, EnginePath, overwrite: true).ConfigureAwait(false);
            if (file.Length != Size)
            {
                throw new InvalidOperationException($"Exported {file.Length} bytes, expected {Size}.");
            }
        }

        /// <summary>Builds the baseline's request body file from the engine's export (outside any timing).</summary>
        public async Task PrepareRequestBodyAsync()
        {
            using var output = new FileStream(RequestBodyPath, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            await output.WriteAsync("{\"json\":"u8.ToArray()).ConfigureAwait(false);
            using (var input = new FileStream(EnginePath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true))
            {
                await input.CopyToAsync(output, 81920).ConfigureAwait(false);
            }

            await output.WriteAsync("}"u8.ToArray()).ConfigureAwait(false);
        }

        public async Task RestoreBareAsync()
        {
            using var file = new FileStream(RequestBodyPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
            using var content = new StreamContent(file, 81920);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using HttpResponseMessage response = await Server.Bare.PostAsync("v1/_snapshots/inline/restore", content).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            CheckRestored();
        }

        public async Task RestoreEngineAsync()
        {
            await Server.Connection.RestoreSnapshotFromFileAsync(EnginePath).ConfigureAwait(false);
            CheckRestored();
        }

        private void CheckRestored()
        {
            long got = Server.Server.State.LastRestoredEnvelopeLength;
            if (got != Size)
            {
                throw new InvalidOperationException($"The server received a {got}-byte envelope, expected {Size}.");
            }
        }

        /// <summary>The export and what the server received on restore are byte-identical to the generated envelope.</summary>
        public void VerifyContent()
        {
            byte[] expected = Generated.ComputeSha256();
            using var sha = System.Security.Cryptography.SHA256.Create();
            using (FileStream f = File.OpenRead(EnginePath))
            {
                if (!sha.ComputeHash(f).SequenceEqual(expected))
                {
                    throw new InvalidOperationException("The exported file differs from the server's envelope.");
                }
            }

            if (Server.Server.State.LastRestoredEnvelopeSha256 is not byte[] received || !received.SequenceEqual(expected))
            {
                throw new InvalidOperationException("The envelope the server received on restore differs from the export.");
            }
        }

        /// <summary>Times one operation and its peak memory growth.</summary>
        public static async Task<(double Seconds, PeakMemory Memory)> MeasureAsync(Func<Task> operation)
        {
            var memory = new PeakMemory();
            var watch = Stopwatch.StartNew();
            try
            {
                await operation().ConfigureAwait(false);
            }
            finally
            {
                watch.Stop();
                memory.Dispose();
            }

            return (watch.Elapsed.TotalSeconds, memory);
        }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync().ConfigureAwait(false);
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
