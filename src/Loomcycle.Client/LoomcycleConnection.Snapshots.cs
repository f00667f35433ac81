using System;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    public sealed partial class LoomcycleConnection
    {
        // The route segment the reference client uses when the envelope travels in the body (the server ignores it then).
        // A literal, not an id: errors name the source instead (the file, or InlineJsonSource).
        private const string InlineSnapshotSegment = "inline";

        // What a restore from JSON text is about, in results (Source) and error targets.
        private const string InlineJsonSource = "inline JSON";

        // Snapshot content is read whole; the server's default cap is 512 MiB. Larger envelopes: export to a file.
        private const long SnapshotContentLimit = 1024L * 1024 * 1024;

        /// <summary>POST /v1/_snapshots: captures the runtime into a new snapshot (201).</summary>
        /// <exception cref="SnapshotTooLargeException">The capture is larger than the server's (or the request's) size cap.</exception>
        /// <exception cref="UnavailableException">The server has no snapshot store.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<Snapshot> CreateSnapshotAsync(CreateSnapshotRequest? request = null, CancellationToken cancellationToken = default)
        {
            byte[] body = RequestBodies.CreateSnapshot(request);
            Snapshot created = (await SendJsonAsync(
                HttpMethod.Post, new RoutePath("v1/_snapshots"), ApiArea.Snapshot, () => JsonContent(body), Repeatability.NotIdempotent,
                LoomcycleJsonContext.Default.Snapshot, cancellationToken).ConfigureAwait(false))!;
            return WithExportUrl(created);
        }

        /// <summary>GET /v1/_snapshots: newest first. <paramref name="labelContains"/> matches case-insensitively.</summary>
        /// <exception cref="InvalidArgumentException">The limit is negative; nothing is sent.</exception>
        /// <exception cref="UnavailableException">The server has no snapshot store.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<Snapshot[]> ListSnapshotsAsync(int? limit = null, string? labelContains = null, CancellationToken cancellationToken = default)
        {
            if (limit is int l && l < 0)
            {
                throw new InvalidArgumentException($"Limit must not be negative, not {l}.");
            }

            RoutePath route = new RoutePath("v1/_snapshots")
                .Query("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Query("label_contains", labelContains);
            SnapshotListEnvelope envelope = (await SendJsonAsync(HttpMethod.Get, route, ApiArea.Snapshot, null, Repeatability.Idempotent, LoomcycleJsonContext.Default.SnapshotListEnvelope, cancellationToken).ConfigureAwait(false))!;
            Snapshot[] snapshots = envelope.Entries ?? Array.Empty<Snapshot>();
            foreach (Snapshot snapshot in snapshots)
            {
                WithExportUrl(snapshot);
            }

            return snapshots;
        }

        /// <summary>GET /v1/_snapshots/{id}: the descriptor with the envelope in <see cref="Snapshot.JsonContent"/>.</summary>
        /// <exception cref="InvalidArgumentException">An id is empty, a dot segment or (agent, run, user, interrupt ids) outside the server's pattern; nothing is sent. Also the server's 400.</exception>
        /// <exception cref="SnapshotNotFoundException">The server has no snapshot with this id.</exception>
        /// <exception cref="LoomcycleProtocolException">The envelope is larger than this call reads (export it to a file instead).</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<Snapshot> GetSnapshotAsync(string snapshotId, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/_snapshots").Segment(snapshotId, "Id");
            Snapshot snapshot = (await SendJsonAsync(
                HttpMethod.Get, route, ApiArea.Snapshot, null, Repeatability.Idempotent, LoomcycleJsonContext.Default.Snapshot, cancellationToken,
                maxResponseBytes: Math.Max(SnapshotContentLimit, _options.MaximumResponseBytes)).ConfigureAwait(false))!;
            return WithExportUrl(snapshot);
        }

        /// <summary>The download address of a snapshot's envelope. No request is made; fetching it needs the same bearer token.</summary>
        /// <exception cref="InvalidArgumentException">The id is empty or a dot segment.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public Uri GetSnapshotExportUri(string snapshotId) =>
            new RoutePath("v1/_snapshots").Segment(snapshotId, "Id").Literal("export").ToUri(BaseUri);

        /// <summary>GET /v1/_snapshots/{id}/export, streamed into <paramref name="destination"/>. Returns the bytes written.</summary>
        /// <exception cref="InvalidArgumentException">An id is empty, a dot segment or (agent, run, user, interrupt ids) outside the server's pattern; nothing is sent. Also the server's 400.</exception>
        /// <exception cref="SnapshotNotFoundException">The server has no snapshot with this id.</exception>
        /// <exception cref="LoomcycleTimeoutException">The download went silent for longer than the stream idle timeout.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<long> ExportSnapshotAsync(string snapshotId, Stream destination, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/_snapshots").Segment(snapshotId, "Id").Literal("export");
            using HttpResponseMessage response = await SendAsync(
                HttpMethod.Get, route, ApiArea.Snapshot, null, Repeatability.Idempotent, HttpCompletionOption.ResponseHeadersRead, "application/json", cancellationToken).ConfigureAwait(false);
            using CancellationTokenRegistration abort = cancellationToken.Register(static r => ((HttpResponseMessage)r!).Dispose(), response);
            using Stream body = await ResponseBody.ReadStreamAsync(response.Content, cancellationToken).ConfigureAwait(false);
            using var idle = new GuardedDownload(body, _options.StreamIdleTimeout);
            await idle.CopyToAsync(destination, 81920, cancellationToken).ConfigureAwait(false);
            return idle.BytesRead;
        }

        /// <summary>
        /// Exports a snapshot to a file. The bytes land in a temporary file beside the target and are
        /// moved into place only when complete, so a failure never leaves a half-written snapshot.
        /// </summary>
        /// <exception cref="InvalidArgumentException">The id is not valid, the file exists and <paramref name="overwrite"/> is false, or its folder does not exist; nothing is sent.</exception>
        /// <exception cref="SnapshotNotFoundException">The server has no snapshot with this id (no file is left behind).</exception>
        /// <exception cref="LoomcycleTimeoutException">The download went silent for longer than the stream idle timeout.</exception>
        /// <exception cref="System.IO.IOException">The file could not be written.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<FileInfo> ExportSnapshotToFileAsync(string snapshotId, string path, bool overwrite, CancellationToken cancellationToken = default)
        {
            FileInfo target = AtomicFile.Prepare(path, overwrite);
            return await AtomicFile.WriteAsync(target, file => ExportSnapshotAsync(snapshotId, file, cancellationToken)).ConfigureAwait(false);
        }

        /// <summary>POST /v1/_snapshots/{id}/restore from a snapshot stored on this server.</summary>
        /// <exception cref="InvalidArgumentException">An id is empty, a dot segment or (agent, run, user, interrupt ids) outside the server's pattern; nothing is sent. Also the server's 400.</exception>
        /// <exception cref="SnapshotNotFoundException">The server has no snapshot with this id.</exception>
        /// <exception cref="SnapshotVersionException">The envelope comes from a newer server (unknown section version).</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public Task<SnapshotRestoreResult> RestoreSnapshotAsync(string snapshotId, bool? includeHistory = null, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/_snapshots").Segment(snapshotId, "Id").Literal("restore");
            byte[] body = RequestBodies.Object(w =>
            {
                if (includeHistory is bool history)
                {
                    w.WriteBoolean("include_history", history);
                }
            });
            return RestoreAsync(route, () => JsonContent(body), snapshotId, cancellationToken);
        }

        /// <summary>Restores from an envelope given as JSON text (for example another server's <see cref="Snapshot.JsonContent"/>).</summary>
        /// <exception cref="InvalidArgumentException">The text is empty, not JSON or not an object (nothing is sent), or the server refused the envelope (400).</exception>
        /// <exception cref="SnapshotVersionException">The envelope comes from a newer server (unknown section version).</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public Task<SnapshotRestoreResult> RestoreSnapshotFromJsonAsync(string envelopeJson, bool? includeHistory = null, CancellationToken cancellationToken = default)
        {
            CheckEnvelope(envelopeJson, InlineJsonSource);
            string prefix = includeHistory is bool history ? $"{{\"include_history\":{(history ? "true" : "false")},\"json\":" : "{\"json\":";
            byte[] body = Encoding.UTF8.GetBytes(prefix + envelopeJson + "}");
            RoutePath route = new RoutePath("v1/_snapshots").Literal(InlineSnapshotSegment).Literal("restore").About(InlineJsonSource);
            return RestoreAsync(route, () => JsonContent(body), InlineJsonSource, cancellationToken);
        }

        /// <summary>Restores from an exported envelope file, streamed: its bytes are sent exactly as stored.</summary>
        /// <exception cref="InvalidArgumentException">The file does not exist or does not hold a JSON object (nothing is sent), or the server refused the envelope (400).</exception>
        /// <exception cref="SnapshotVersionException">The envelope comes from a newer server (unknown section version).</exception>
        /// <exception cref="System.IO.IOException">The file could not be read.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public Task<SnapshotRestoreResult> RestoreSnapshotFromFileAsync(string path, bool? includeHistory = null, CancellationToken cancellationToken = default)
        {
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                throw new InvalidArgumentException($"The snapshot file '{file.FullName}' does not exist.") { Target = file.FullName };
            }

            CheckEnvelopeFile(file);
            RoutePath route = new RoutePath("v1/_snapshots").Literal(InlineSnapshotSegment).Literal("restore").About(file.FullName);
            return RestoreAsync(route, () => new EnvelopeContent(file.FullName, includeHistory), file.FullName, cancellationToken);
        }

        /// <summary>DELETE /v1/_snapshots/{id}. The server answers 204 whether or not the snapshot existed.</summary>
        /// <exception cref="InvalidArgumentException">An id is empty, a dot segment or (agent, run, user, interrupt ids) outside the server's pattern; nothing is sent. Also the server's 400.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task DeleteSnapshotAsync(string snapshotId, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/_snapshots").Segment(snapshotId, "Id");
            await SendJsonAsync<Snapshot>(HttpMethod.Delete, route, ApiArea.Snapshot, null, Repeatability.Idempotent, null, cancellationToken).ConfigureAwait(false);
        }

        private async Task<SnapshotRestoreResult> RestoreAsync(RoutePath route, Func<HttpContent> content, string source, CancellationToken cancellationToken)
        {
            // Restores of large envelopes take time server-side; allow the pause-sized wait.
            SnapshotRestoreResult result = (await SendJsonAsync(
                HttpMethod.Post, route, ApiArea.Snapshot, content, Repeatability.NotIdempotent, LoomcycleJsonContext.Default.SnapshotRestoreResult, cancellationToken,
                timeout: _options.RequestTimeout + ServerPauseCap).ConfigureAwait(false))!;
            result.Source = source;
            return result;
        }

        private Snapshot WithExportUrl(Snapshot snapshot)
        {
            if (!string.IsNullOrEmpty(snapshot.Id) && snapshot.Id != "." && snapshot.Id != "..")
            {
                snapshot.ExportUrl = GetSnapshotExportUri(snapshot.Id);
            }

            return snapshot;
        }

        private static void CheckEnvelope(string? json, string source)
        {
            if (string.IsNullOrWhiteSpace(json))
            {
                throw new InvalidArgumentException("The snapshot JSON is empty.") { Target = source };
            }

            try
            {
                using JsonDocument doc = JsonDocument.Parse(json!);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidArgumentException($"The snapshot JSON must be an object (an envelope), not {doc.RootElement.ValueKind}.") { Target = source };
                }
            }
            catch (JsonException ex)
            {
                throw new InvalidArgumentException($"The snapshot JSON is not valid JSON: {ex.Message}", 0, null, null, ex) { Target = source };
            }
        }

        private static void CheckEnvelopeFile(FileInfo file)
        {
            using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
            int b;
            while ((b = stream.ReadByte()) >= 0)
            {
                if (b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == 0xEF || b == 0xBB || b == 0xBF)
                {
                    continue;
                }

                if (b == '{')
                {
                    return;
                }

                break;
            }

            throw new InvalidArgumentException($"The file '{file.FullName}' is not a snapshot envelope: it must hold one JSON object.") { Target = file.FullName };
        }
    }
}
