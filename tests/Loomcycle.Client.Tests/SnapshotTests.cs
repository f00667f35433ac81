using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>The six snapshot operations: client.test.ts cases 24–34, section 16.14.</summary>
    public sealed class SnapshotTests : EngineTest
    {
        private const string Envelope = "{\"schema_version\":1,\"created_at\":\"2026-05-19T00:00:00Z\",\"sections\":{\"memory\":{\"version\":\"1.0\",\"rows\":[{\"k\": \"v\\u003c\"}]}}}";

        public SnapshotTests(ServerFixture fixture) : base(fixture) { }

        [Fact]
        public async Task Case24_CreateSnapshot_AllOptions_BodyExact_201Parsed()
        {
            Reply("POST", "/v1/_snapshots", 201, "{\"id\":\"snap_abc\",\"created_at\":\"2026-05-19T10:00:00.123Z\",\"label\":\"before-deploy\",\"schema_version\":1,\"byte_size\":2048}");

            Snapshot snapshot = await Connection.CreateSnapshotAsync(new CreateSnapshotRequest
            {
                Label = "before-deploy",
                IncludeHistory = true,
                IncludeHistorySince = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero),
                MaxBytes = 1048576,
            });

            RecordedRequest request = SingleRequest();
            Assert.Equal("POST", request.Method);
            Assert.Equal("/v1/_snapshots", request.RawTarget);
            JsonAssert.Equal("{\"label\":\"before-deploy\",\"include_history\":true,\"include_history_since\":\"2026-05-01T00:00:00Z\",\"max_bytes\":1048576}", request.Json);
            Assert.Equal("snap_abc", snapshot.Id);
            Assert.Equal("before-deploy", snapshot.Label);
            Assert.Equal(1, snapshot.SchemaVersion);
            Assert.Equal(2048, snapshot.ByteSize);
            Assert.Equal(new DateTimeOffset(2026, 5, 19, 10, 0, 0, 123, TimeSpan.Zero), snapshot.CreatedAt);
            Assert.Equal(new Uri(Server.BaseUri, "v1/_snapshots/snap_abc/export"), snapshot.ExportUrl);
        }

        [Fact]
        public async Task Case24b_CreateSnapshot_SinceWithOffset_SentInUtc_NoOptionsSendsEmptyObject()
        {
            Reply("POST", "/v1/_snapshots", 201, "{\"id\":\"snap_1\",\"created_at\":\"2026-05-19T10:00:00.000Z\",\"schema_version\":1,\"byte_size\":1}");
            Reply("POST", "/v1/_snapshots", 201, "{\"id\":\"snap_2\",\"created_at\":\"2026-05-19T10:00:00.000Z\",\"schema_version\":1,\"byte_size\":1}");

            await Connection.CreateSnapshotAsync(new CreateSnapshotRequest { IncludeHistory = true, IncludeHistorySince = new DateTimeOffset(2026, 5, 1, 2, 30, 0, TimeSpan.FromHours(2)) });
            await Connection.CreateSnapshotAsync();

            JsonAssert.Equal("{\"include_history\":true,\"include_history_since\":\"2026-05-01T00:30:00Z\"}", Server.Requests[0].Json);
            JsonAssert.Equal("{}", Server.Requests[1].Json);
        }

        [Fact]
        public async Task Case25_CreateSnapshot_413_SnapshotTooLarge()
        {
            Server.Enqueue("POST", "/v1/_snapshots", Faults.PlainText(413, "snapshot exceeds size cap"));

            var ex = await Assert.ThrowsAsync<SnapshotTooLargeException>(() => Connection.CreateSnapshotAsync());
            Assert.Equal(413, ex.StatusCode);
        }

        [Fact]
        public async Task Case25b_CreateSnapshot_ServersJson413_SnapshotTooLargeFromCode()
        {
            Server.Enqueue("POST", "/v1/_snapshots", Faults.Json(413, "snapshot_too_large",
                "snapshot: serialised size 900 bytes exceeds cap 10 bytes (raise LOOMCYCLE_SNAPSHOT_MAX_BYTES or narrow the capture scope)"));

            var ex = await Assert.ThrowsAsync<SnapshotTooLargeException>(() => Connection.CreateSnapshotAsync(new CreateSnapshotRequest { MaxBytes = 10 }));
            Assert.Equal("snapshot_too_large", ex.Code);
        }

        [Fact]
        public async Task Case26_ListSnapshots_LimitAndLabelContainsQuery_EntriesUnwrapped()
        {
            Reply("GET", "/v1/_snapshots", 200, "{\"entries\":[{\"id\":\"snap_1\",\"created_at\":\"2026-05-19T10:00:00.000Z\",\"label\":\"prod-1\",\"schema_version\":1,\"byte_size\":10}]}");

            Snapshot[] snapshots = await Connection.ListSnapshotsAsync(10, "prod");

            RecordedRequest request = SingleRequest();
            Assert.Equal("/v1/_snapshots?limit=10&label_contains=prod", request.RawTarget);
            Snapshot only = Assert.Single(snapshots);
            Assert.Equal("snap_1", only.Id);
            Assert.Null(only.JsonContent);
            Assert.Equal(new Uri(Server.BaseUri, "v1/_snapshots/snap_1/export"), only.ExportUrl);
        }

        [Fact]
        public async Task ListSnapshots_NoOptions_NoQuery_LabelEscaped()
        {
            Reply("GET", "/v1/_snapshots", 200, "{\"entries\":[]}");
            Reply("GET", "/v1/_snapshots", 200, "{\"entries\":null}");

            Assert.Empty(await Connection.ListSnapshotsAsync());
            Assert.Empty(await Connection.ListSnapshotsAsync(labelContains: "a&b=c d%"));

            Assert.Equal("/v1/_snapshots", Server.Requests[0].RawTarget);
            Assert.Equal("/v1/_snapshots?label_contains=a%26b%3Dc%20d%25", Server.Requests[1].RawTarget);
        }

        [Fact]
        public async Task ListSnapshots_NegativeLimit_RefusedBeforeSending()
        {
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.ListSnapshotsAsync(-1));
            Assert.Empty(Server.Requests);
        }

        [Fact]
        public async Task Case27_GetSnapshot_EnvelopeKeptAsExactJsonText()
        {
            Reply("GET", "/v1/_snapshots/snap_x", 200,
                "{\"id\":\"snap_x\",\"created_at\":\"2026-05-19T10:00:00.000Z\",\"schema_version\":1,\"byte_size\":" + Envelope.Length + ",\"json_content\":" + Envelope + "}");

            Snapshot snapshot = await Connection.GetSnapshotAsync("snap_x");

            Assert.Equal("/v1/_snapshots/snap_x", SingleRequest().RawTarget);
            Assert.Equal("snap_x", snapshot.Id);
            Assert.Equal(Envelope, snapshot.JsonContent);
            using JsonDocument doc = JsonDocument.Parse(snapshot.JsonContent!);
            Assert.True(doc.RootElement.GetProperty("sections").TryGetProperty("memory", out _));
        }

        [Fact]
        public async Task Case28_GetSnapshot_404_SnapshotNotFound()
        {
            Server.Enqueue("GET", "/v1/_snapshots/snap_nope", Faults.PlainText(404, "no snapshot with id snap_nope"));

            var ex = await Assert.ThrowsAsync<SnapshotNotFoundException>(() => Connection.GetSnapshotAsync("snap_nope"));
            Assert.Equal(404, ex.StatusCode);
            Assert.Equal("snap_nope", ex.Target);
        }

        [Fact]
        public async Task Case28b_GetSnapshot_ServersJson404_SnapshotNotFoundFromCode()
        {
            var ex = await Assert.ThrowsAsync<SnapshotNotFoundException>(() => Connection.GetSnapshotAsync("snap_session_hook_agent"));
            Assert.Equal("snapshot_not_found", ex.Code);
        }

        [Fact]
        public void Case29_ExportSnapshotUrl_BuiltWithoutARequest()
        {
            Uri uri = Connection.GetSnapshotExportUri("snap_abc");

            Assert.Equal(Server.BaseUri + "v1/_snapshots/snap_abc/export", uri.AbsoluteUri);
            Assert.Empty(Server.Requests);
        }

        [Fact]
        public async Task ExportSnapshot_StreamsExactStoredBytesToFile_WithBearer()
        {
            byte[] stored = Encoding.UTF8.GetBytes(Envelope);
            Server.State.AddSnapshot("snap_export1", stored);
            LoomcycleConnection connection = Connect("export-canary-token-42");
            string path = Path.Combine(Path.GetTempPath(), "lc-export-" + Guid.NewGuid().ToString("N") + ".json");
            try
            {
                FileInfo file = await connection.ExportSnapshotToFileAsync("snap_export1", path, overwrite: false);

                Assert.Equal(stored, File.ReadAllBytes(file.FullName));
                RecordedRequest request = SingleRequest();
                Assert.Equal("/v1/_snapshots/snap_export1/export", request.RawTarget);
                Assert.Equal("Bearer export-canary-token-42", request.Header("Authorization"));
                await Assert.ThrowsAsync<InvalidArgumentException>(() => connection.ExportSnapshotToFileAsync("snap_export1", path, overwrite: false));
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public async Task ExportSnapshot_Unknown_SnapshotNotFound_NoFileLeftBehind()
        {
            string dir = Path.Combine(Path.GetTempPath(), "lc-export-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                await Assert.ThrowsAsync<SnapshotNotFoundException>(() => Connection.ExportSnapshotToFileAsync("snap_none", Path.Combine(dir, "x.json"), overwrite: true));
                Assert.Empty(Directory.GetFiles(dir));
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }

        [Fact]
        public async Task Case30_RestoreSnapshot_ById_PostsEmptyObject_CountersParsed()
        {
            Reply("POST", "/v1/_snapshots/snap_xyz/restore", 200,
                "{\"agent_defs_restored\":0,\"agent_def_active_restored\":0,\"memory_restored\":3,\"channel_messages_restored\":0,\"channel_cursors_restored\":0," +
                "\"evaluations_restored\":0,\"paused_runs_restored\":1,\"synthesized_sessions\":0,\"transcript_events_restored\":0,\"interaction_history_restored\":0,\"paused_runs_resumed\":1,\"warnings\":[\"w\"]}");

            SnapshotRestoreResult result = await Connection.RestoreSnapshotAsync("snap_xyz");

            RecordedRequest request = SingleRequest();
            Assert.Equal("POST", request.Method);
            Assert.Equal("/v1/_snapshots/snap_xyz/restore", request.RawTarget);
            Assert.Equal("{}", request.BodyText);
            Assert.Equal(3, result.MemoryRestored);
            Assert.Equal(1, result.PausedRunsRestored);
            Assert.Equal(1, result.PausedRunsResumed);
            Assert.Equal(new[] { "w" }, result.Warnings);
            Assert.Equal("snap_xyz", result.Source);
        }

        [Fact]
        public async Task Case31_RestoreSnapshot_InlineJsonWithHistory_PostsToInline_EnvelopeBytesVerbatim()
        {
            const string inline = "{\"schema_version\":1,\"sections\":{}}";
            Reply("POST", "/v1/_snapshots/inline/restore", 200, "{\"memory_restored\":0}");

            await Connection.RestoreSnapshotFromJsonAsync(inline, includeHistory: true);

            RecordedRequest request = SingleRequest();
            Assert.Equal("/v1/_snapshots/inline/restore", request.RawTarget);
            JsonAssert.Equal("{\"include_history\":true,\"json\":{\"schema_version\":1,\"sections\":{}}}", request.Json);
            Assert.Equal("{\"include_history\":true,\"json\":" + inline + "}", request.BodyText);
        }

        [Fact]
        public async Task Case31b_RestoreSnapshot_FromFileAgainstFakeServer_EnvelopeBytesReachTheServerExactly()
        {
            string path = Path.Combine(Path.GetTempPath(), "lc-restore-" + Guid.NewGuid().ToString("N") + ".json");
            File.WriteAllText(path, Envelope + "\n", new UTF8Encoding(false));
            try
            {
                SnapshotRestoreResult result = await Connection.RestoreSnapshotFromFileAsync(path);

                Assert.Equal("/v1/_snapshots/inline/restore", SingleRequest().RawTarget);
                // The server keeps the json value's own bytes (as Go's json.RawMessage does): the envelope, verbatim.
                Assert.Equal(Encoding.UTF8.GetBytes(Envelope), Server.State.LastRestoredEnvelope);
                Assert.Contains(Envelope + "\n}", SingleRequest().BodyText);
                Assert.Equal(path, result.Source);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public async Task RestoreSnapshot_FromFileWithUtf8Bom_BodyIsStillValidJson()
        {
            // Windows PowerShell 5.1's Out-File/Set-Content -Encoding UTF8 write a BOM; JSON inside a JSON body cannot carry one.
            string path = Path.Combine(Path.GetTempPath(), "lc-restore-bom-" + Guid.NewGuid().ToString("N") + ".json");
            File.WriteAllText(path, Envelope, new UTF8Encoding(true));
            Reply("POST", "/v1/_snapshots/inline/restore", 200, "{\"memory_restored\":0}");
            try
            {
                await Connection.RestoreSnapshotFromFileAsync(path, includeHistory: false);

                RecordedRequest request = SingleRequest();
                JsonAssert.Equal("{\"include_history\":false,\"json\":" + Envelope + "}", request.Json);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public async Task Case32_RestoreSnapshot_NeitherSource_FailsBeforeSending()
        {
            // The engine has one method per source, so "both" cannot be expressed; "neither" is an empty id or empty JSON.
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.RestoreSnapshotAsync(""));
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.RestoreSnapshotAsync(null!));
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.RestoreSnapshotFromJsonAsync(""));
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.RestoreSnapshotFromJsonAsync("  "));
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.RestoreSnapshotFromJsonAsync("null"));
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.RestoreSnapshotFromJsonAsync("[1]"));
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.RestoreSnapshotFromJsonAsync("{broken"));
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.RestoreSnapshotFromFileAsync(Path.Combine(Path.GetTempPath(), "missing-" + Guid.NewGuid().ToString("N"))));
            Assert.Empty(Server.Requests);
        }

        [Fact]
        public async Task Case32b_RestoreSnapshot_FileThatIsNotAnObject_FailsBeforeSending()
        {
            string path = Path.Combine(Path.GetTempPath(), "lc-restore-bad-" + Guid.NewGuid().ToString("N") + ".json");
            File.WriteAllText(path, "[\"not an envelope\"]");
            try
            {
                await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.RestoreSnapshotFromFileAsync(path));
                Assert.Empty(Server.Requests);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public async Task Case33_RestoreSnapshot_422_SnapshotVersionException()
        {
            Server.Enqueue("POST", "/v1/_snapshots/snap_x/restore", Faults.PlainText(422, "snapshot section version newer than reader supports"));

            await Assert.ThrowsAsync<SnapshotVersionException>(() => Connection.RestoreSnapshotAsync("snap_x"));
        }

        [Fact]
        public async Task Case33b_RestoreSnapshot_ServersJson422VersionUnknown_SnapshotVersionFromCode()
        {
            Server.Enqueue("POST", "/v1/_snapshots/inline/restore", Faults.Json(422, "snapshot_version_unknown", "snapshot: section \"memory\" has unknown version \"9\" — corrupted snapshot or unsupported source"));

            var ex = await Assert.ThrowsAsync<SnapshotVersionException>(() => Connection.RestoreSnapshotFromJsonAsync(Envelope));
            Assert.Equal("snapshot_version_unknown", ex.Code);
            Assert.Contains("corrupted snapshot", ex.Message);
        }

        [Fact]
        public async Task Case34_DeleteSnapshot_SendsDelete_204IsSuccess()
        {
            Server.Enqueue("DELETE", "/v1/_snapshots/snap_x", Faults.Status(204));

            await Connection.DeleteSnapshotAsync("snap_x");

            RecordedRequest request = SingleRequest();
            Assert.Equal("DELETE", request.Method);
            Assert.Equal("/v1/_snapshots/snap_x", request.RawTarget);
        }

        [Fact]
        public async Task Case34b_DeleteSnapshot_AgainstFakeServer_RemovesAndIsIdempotent()
        {
            Server.State.AddSnapshot("snap_del1", Envelope);

            await Connection.DeleteSnapshotAsync("snap_del1");
            await Connection.DeleteSnapshotAsync("snap_del1");

            Assert.Null(Server.State.FindSnapshot("snap_del1"));
            Assert.Equal(2, Server.Requests.Count);
        }

        [Fact]
        public async Task CreateSnapshot_NonPositiveMaxBytes_RefusedBeforeSending()
        {
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.CreateSnapshotAsync(new CreateSnapshotRequest { MaxBytes = 0 }));
            Assert.Empty(Server.Requests);
        }
    }
}
