using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>Runs examples/nightly-snapshot.ps1, as a scheduled job would, against a fake server that requires a token.</summary>
    [Collection(EnvironmentCollection.Name)]
    public sealed class NightlySnapshotScriptTests : IAsyncLifetime
    {
        private const string Token = "nightly-test-token-5f1c";
        private const string Envelope = "{\"schema_version\":1}";

        private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("lc-nightly-");
        private FakeLoomcycleServer _server = null!;
        private PowerShellSession _session = null!;

        private static string ScriptPath => Path.Combine(PowerShellSession.RepositoryRoot, "examples", "nightly-snapshot.ps1");

        public async Task InitializeAsync()
        {
            _server = await FakeLoomcycleServer.StartAsync(new FakeServerOptions { Token = Token });
            _session = new PowerShellSession();
        }

        public async Task DisposeAsync()
        {
            _session.Dispose();
            await _server.DisposeAsync();
            _folder.Delete(recursive: true);
        }

        // The script reads the token from the process environment, as a scheduled job would; set it only for the run.
        private PowerShellResult RunScript(string? token = Token)
        {
            string? previous = Environment.GetEnvironmentVariable("LOOMCYCLE_AUTH_TOKEN");
            Environment.SetEnvironmentVariable("LOOMCYCLE_AUTH_TOKEN", token);
            try
            {
                return _session.Run(
                    "& $script -BaseUrl $url -ExportFolder $folder -RetentionDays 7; \"exit=$LASTEXITCODE\"",
                    new Dictionary<string, object?> { ["script"] = ScriptPath, ["url"] = _server.BaseUri.ToString(), ["folder"] = _folder.FullName });
            }
            finally
            {
                Environment.SetEnvironmentVariable("LOOMCYCLE_AUTH_TOKEN", previous);
            }
        }

        [Fact]
        public void SnapshotsExportsAndPrunesOnlyOldNightlySnapshots()
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            _server.State.AddSnapshot("snap_old", Envelope, "nightly-2026-01-01", now.AddDays(-30));
            _server.State.AddSnapshot("snap_recent", Envelope, "nightly-2026-11-20", now.AddDays(-3));
            _server.State.AddSnapshot("snap_manual_old", Envelope, "before-nightly-change", now.AddDays(-30));

            var result = RunScript();

            Assert.Equal("exit=0", result.Output.Last().ToString());
            Assert.Empty(result.AllErrors);
            var wire = _server.Wire();
            string created = result.Output[0].Str("SnapshotId")!;
            Assert.Equal(
                new[]
                {
                    "POST /v1/_snapshots",
                    $"GET /v1/_snapshots/{created}/export",
                    "GET /v1/_snapshots?label_contains=nightly",
                    "DELETE /v1/_snapshots/snap_old",
                },
                wire);
            Assert.Equal($"{{\"label\":\"nightly-{now.UtcDateTime:yyyy-MM-dd}\"}}", _server.Requests[0].BodyText);
            Assert.All(_server.Requests, r => Assert.Equal("Bearer " + Token, r.Header("Authorization")));

            Assert.Equal(new[] { created + ".json" }, _folder.GetFiles().Select(f => f.Name));
            Assert.Equal(new[] { "snap_old" }, ((object[])result.Output[0].Prop("Removed")!).Select(o => o.ToString()));
            Assert.NotNull(_server.State.FindSnapshot("snap_recent"));
            Assert.NotNull(_server.State.FindSnapshot("snap_manual_old"));
            Assert.DoesNotContain(Token, result.Everything());
        }

        [Fact]
        public void AFailingStepExitsWithOneAndDeletesNothing()
        {
            _server.State.AddSnapshot("snap_old", Envelope, "nightly-2026-01-01", DateTimeOffset.UtcNow.AddDays(-30));
            _server.Enqueue("GET", "/v1/_snapshots/", Faults.Json(500, "internal", "disk full"));

            var result = RunScript();

            Assert.Equal("exit=1", result.Output.Last().ToString());
            Assert.Equal(new[] { "POST /v1/_snapshots" }, _server.Wire().Take(1));
            Assert.DoesNotContain(_server.Wire(), w => w.StartsWith("DELETE", StringComparison.Ordinal));
            Assert.NotNull(_server.State.FindSnapshot("snap_old"));
            Assert.Empty(_folder.GetFiles());
        }

        [Fact]
        public void AMissingTokenExitsWithOneBeforeSending()
        {
            var result = RunScript(token: null);
            Assert.Equal("exit=1", result.Output.Last().ToString());
            Assert.Empty(_server.Requests);
        }
    }

    /// <summary>Tests that change process environment variables run one at a time.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class EnvironmentCollection
    {
        public const string Name = "Process environment";
    }
}
