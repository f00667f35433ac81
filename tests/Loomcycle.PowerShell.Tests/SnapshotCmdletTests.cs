using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>New/Get/Export/Restore/Remove-LoomcycleSnapshot against the fake server.</summary>
    public sealed class SnapshotCmdletTests : IClassFixture<ServerAndSession>, IDisposable
    {
        // Pretty-printed on purpose: export and restore must keep the exact bytes, not a re-serialised form.
        private const string Envelope = "{\n  \"schema_version\": 1,\n  \"note\": \"caf\u00e9 \\u00e9\"\n}\n";

        private readonly ServerAndSession _fixture;
        private readonly DirectoryInfo _folder;

        public SnapshotCmdletTests(ServerAndSession fixture)
        {
            _fixture = fixture;
            _fixture.Server.Reset();
            _folder = Directory.CreateTempSubdirectory("lc-snap-");
        }

        private FakeLoomcycleServer Server => _fixture.Server;

        public void Dispose() => _folder.Delete(recursive: true);

        private PowerShellResult Run(string script) => _fixture.Session.Run(script, new Dictionary<string, object?> { ["folder"] = _folder.FullName });

        private void Seed(string id, string? label, int minutesAgo) =>
            Server.State.AddSnapshot(id, Envelope, label, DateTimeOffset.UtcNow.AddMinutes(-minutesAgo));

        [Fact]
        public void NewSendsOnlyTheGivenOptionsAndWritesTheDescriptor()
        {
            var since = new DateTimeOffset(2026, 11, 1, 8, 30, 0, TimeSpan.FromHours(2));
            Run("New-LoomcycleSnapshot").ThrowIfErrors();
            var result = _fixture.Session.Run("New-LoomcycleSnapshot -Label nightly -IncludeHistorySince $since -MaxBytes 100000", new Dictionary<string, object?> { ["since"] = since }).ThrowIfErrors();

            Assert.Equal(new[] { "POST /v1/_snapshots", "POST /v1/_snapshots" }, Server.Wire());
            Assert.Equal("{}", Server.Requests[0].BodyText);
            JsonElement body = JsonDocument.Parse(Server.Requests[1].Body).RootElement;
            Assert.Equal("nightly", body.GetProperty("label").GetString());
            Assert.True(body.GetProperty("include_history").GetBoolean()); // implied by -IncludeHistorySince
            Assert.Equal("2026-11-01T06:30:00Z", body.GetProperty("include_history_since").GetString());
            Assert.Equal(100000, body.GetProperty("max_bytes").GetInt64());

            PSObject created = Assert.Single(result.Output);
            Assert.Equal("Loomcycle.Snapshot", created.TypeName());
            Assert.Equal("nightly", created.Str("Label"));
            string id = created.Str("Id")!;
            Assert.Equal(new Uri(Server.BaseUri, $"v1/_snapshots/{id}/export"), created.Prop("ExportUrl"));
        }

        [Fact]
        public void NewTooLargeIsSnapshotTooLarge()
        {
            var result = Run("New-LoomcycleSnapshot -Label big -MaxBytes 1");
            result.AssertSingleError("SnapshotTooLarge", "NewLoomcycleSnapshotCommand", ErrorCategory.LimitsExceeded, "big");
        }

        [Fact]
        public void ListSendsLimitAndLabelAndWritesIdAndExportUrl()
        {
            Seed("snap_a", "nightly-1", 3);
            Seed("snap_b", "weekly", 2);
            Seed("snap_c", "NIGHTLY-2", 1);

            var result = Run("Get-LoomcycleSnapshot -Label nightly -Limit 5").ThrowIfErrors();

            Assert.Equal(new[] { "GET /v1/_snapshots?limit=5&label_contains=nightly" }, Server.Wire());
            Assert.Equal(new[] { "snap_c", "snap_a" }, result.Output.Select(o => o.Str("Id")));
            Assert.All(result.Output, o => Assert.EndsWith($"/v1/_snapshots/{o.Str("Id")}/export", o.Str("ExportUrl")));
            Assert.All(result.Output, o => Assert.Null(o.Prop("JsonContent")));
        }

        [Fact]
        public void ListWithContentListsThenGetsEach()
        {
            Seed("snap_a", "x", 2);
            Seed("snap_b", "x", 1);

            var result = Run("Get-LoomcycleSnapshot -IncludeContent | ForEach-Object { '{0}:{1}:{2}' -f $_.Id, $_.Content.schema_version.GetType().Name, $_.Content.note }").ThrowIfErrors();

            Assert.Equal(new[] { "GET /v1/_snapshots", "GET /v1/_snapshots/snap_b", "GET /v1/_snapshots/snap_a" }, Server.Wire());
            Assert.Equal(new[] { "snap_b:Int64:café é", "snap_a:Int64:café é" }, result.Output.Select(o => o.ToString()));
        }

        [Fact]
        public void GetByIdsWritesEachAndContentOnlyWhenAsked()
        {
            Seed("snap_a", "x", 2);
            Seed("snap_b", null, 1);

            var plain = Run("Get-LoomcycleSnapshot snap_a, snap_b").ThrowIfErrors();
            var full = Run("Get-LoomcycleSnapshot -Id snap_a -IncludeContent").ThrowIfErrors();

            Assert.Equal(new[] { "GET /v1/_snapshots/snap_a", "GET /v1/_snapshots/snap_b", "GET /v1/_snapshots/snap_a" }, Server.Wire());
            Assert.Equal(new[] { "snap_a", "snap_b" }, plain.Output.Select(o => o.Str("Id")));
            Assert.All(plain.Output, o => Assert.Null(o.Prop("JsonContent")));
            string json = Assert.Single(full.Output).Str("JsonContent")!;
            Assert.Equal("café é", JsonDocument.Parse(json).RootElement.GetProperty("note").GetString());
        }

        [Fact]
        public void AnUnknownIdIsSnapshotNotFoundAndTheNextIdStillRuns()
        {
            Seed("snap_b", null, 1);
            var result = Run("Get-LoomcycleSnapshot snap_missing, snap_b");
            Assert.Equal("snap_b", Assert.Single(result.Output).Str("Id"));
            result.AssertSingleError("SnapshotNotFound", "GetLoomcycleSnapshotCommand", ErrorCategory.ObjectNotFound, "snap_missing");
        }

        [Fact]
        public void DotSegmentIdsFailBeforeSending()
        {
            var result = Run("Get-LoomcycleSnapshot '..'; Remove-LoomcycleSnapshot '.' -Force; Export-LoomcycleSnapshot '..' -Path $folder");
            Assert.Empty(Server.Requests);
            Assert.Equal(3, result.Errors.Count);
            CmdletTestHelpers.AssertError(result.Errors[0], "InvalidArgument", "GetLoomcycleSnapshotCommand", ErrorCategory.InvalidArgument, "..");
            CmdletTestHelpers.AssertError(result.Errors[1], "InvalidArgument", "RemoveLoomcycleSnapshotCommand", ErrorCategory.InvalidArgument, ".");
            CmdletTestHelpers.AssertError(result.Errors[2], "InvalidArgument", "ExportLoomcycleSnapshotCommand", ErrorCategory.InvalidArgument, "..");
            Assert.Empty(_folder.GetFiles("*", SearchOption.AllDirectories));
        }

        [Fact]
        public void AnIdWithASlashIsOneEscapedSegment()
        {
            Run("Get-LoomcycleSnapshot 'a/b'");
            Assert.Equal(new[] { "GET /v1/_snapshots/a%2Fb" }, Server.Wire());
        }

        [Fact]
        public void ExportWritesTheExactBytesToAFileAndOutputsTheFileInfo()
        {
            Seed("snap_a", null, 1);
            string target = Path.Combine(_folder.FullName, "backup.json");

            var result = _fixture.Session.Run("Export-LoomcycleSnapshot snap_a -Path $target", new Dictionary<string, object?> { ["target"] = target }).ThrowIfErrors();

            Assert.Equal(new[] { "GET /v1/_snapshots/snap_a/export" }, Server.Wire());
            var file = (FileInfo)Assert.Single(result.Output).BaseObject;
            Assert.Equal(target, file.FullName);
            Assert.Equal(Encoding.UTF8.GetBytes(Envelope), File.ReadAllBytes(target));
            Assert.Single(_folder.GetFiles()); // no temporary file left behind
        }

        [Fact]
        public void ExportResolvesRelativePathsAgainstTheCurrentLocation()
        {
            Seed("snap_a", null, 1);
            // Set-Location moves PowerShell's location only; the process directory stays where it was.
            var result = Run("$ExecutionContext.SessionState.Path.PushCurrentLocation(''); $null = $ExecutionContext.SessionState.Path.SetLocation($folder); " +
                "try { Export-LoomcycleSnapshot snap_a -Path rel.json } finally { $null = $ExecutionContext.SessionState.Path.PopLocation('') }").ThrowIfErrors();
            Assert.NotEqual(_folder.FullName, Environment.CurrentDirectory);
            Assert.Equal(Path.Combine(_folder.FullName, "rel.json"), ((FileInfo)Assert.Single(result.Output).BaseObject).FullName);
            Assert.True(File.Exists(Path.Combine(_folder.FullName, "rel.json")));
        }

        [Fact]
        public void ExportRefusesToOverwriteWithoutForce()
        {
            Seed("snap_a", null, 1);
            string target = Path.Combine(_folder.FullName, "snap_a.json");
            File.WriteAllText(target, "old");

            var refused = Run("Export-LoomcycleSnapshot snap_a -Path $folder");
            Assert.Equal("old", File.ReadAllText(target));
            refused.AssertSingleError("InvalidArgument", "ExportLoomcycleSnapshotCommand", ErrorCategory.InvalidArgument, target);

            Run("Export-LoomcycleSnapshot snap_a -Path $folder -Force").ThrowIfErrors();
            Assert.Equal(Envelope, File.ReadAllText(target));
        }

        [Fact]
        public void SeveralSnapshotsPipedToOneFileAreNotWrittenOverEachOther()
        {
            // A -Path that is not a folder (mistyped, not created yet) used to take each piped snapshot in turn with -Force:
            // every one reported success, and only the last was left.
            Seed("snap_a", null, 1);
            Seed("snap_b", null, 2);
            string target = Path.Combine(_folder.FullName, "backups");

            var result = _fixture.Session.Run("[pscustomobject]@{ Id = 'snap_a' }, [pscustomobject]@{ Id = 'snap_b' } | Export-LoomcycleSnapshot -Path $target -Force",
                new Dictionary<string, object?> { ["target"] = target });

            Assert.Equal(target, ((FileInfo)Assert.Single(result.Output).BaseObject).FullName);
            ErrorRecord error = result.AssertSingleError("InvalidArgument", "ExportLoomcycleSnapshotCommand", ErrorCategory.InvalidArgument, "snap_b");
            Assert.Contains("just written for snapshot snap_a", error.Exception.Message);
            Assert.Equal(new[] { "GET /v1/_snapshots/snap_a/export" }, Server.Wire()); // snap_b is not even downloaded
            Assert.Equal(Envelope, File.ReadAllText(target));
        }

        [Fact]
        public void ReplacingAFileKeepsNoTemporaryFile()
        {
            Seed("snap_a", null, 1);
            string target = Path.Combine(_folder.FullName, "snap_a.json");
            File.WriteAllText(target, "old");
            Run("Export-LoomcycleSnapshot snap_a -Path $folder -Force").ThrowIfErrors();
            Assert.Equal(Envelope, File.ReadAllText(target));
            Assert.Single(_folder.GetFiles());
        }

        [Fact]
        public void AFileThatCannotBeWrittenIsThatSnapshotsErrorAndThePipelineGoesOn()
        {
            Seed("snap_a", null, 1);
            Seed("snap_b", null, 2);
            Directory.CreateDirectory(Path.Combine(_folder.FullName, "snap_a.json")); // a folder where snap_a's file goes

            var result = Run("[pscustomobject]@{ Id = 'snap_a' }, [pscustomobject]@{ Id = 'snap_b' } | Export-LoomcycleSnapshot -Path $folder -Force");

            ErrorRecord error = result.AssertSingleError("FileAccessFailed", "ExportLoomcycleSnapshotCommand", ErrorCategory.ResourceUnavailable, "snap_a");
            Assert.True(error.Exception is IOException || error.Exception is UnauthorizedAccessException, error.Exception.GetType().Name);
            Assert.Equal(Path.Combine(_folder.FullName, "snap_b.json"), ((FileInfo)Assert.Single(result.Output).BaseObject).FullName);
            Assert.Equal(Envelope, File.ReadAllText(Path.Combine(_folder.FullName, "snap_b.json")));
            Assert.Equal(new[] { "snap_a.json", "snap_b.json" }, _folder.GetFileSystemInfos().Select(f => f.Name).OrderBy(n => n, StringComparer.Ordinal)); // no temporary file left
        }

        [Fact]
        public void ExportOfAMissingSnapshotLeavesNoFile()
        {
            var result = Run("Export-LoomcycleSnapshot snap_gone -Path $folder");
            result.AssertSingleError("SnapshotNotFound", "ExportLoomcycleSnapshotCommand", ErrorCategory.ObjectNotFound, "snap_gone");
            Assert.Empty(_folder.GetFiles());
        }

        [Fact]
        public void PipelineExportsEveryNightlySnapshotIntoAFolder()
        {
            Seed("snap_n1", "nightly", 3);
            Seed("snap_w", "weekly", 2);
            Seed("snap_n2", "nightly", 1);

            var result = Run("Get-LoomcycleSnapshot -Label nightly | Export-LoomcycleSnapshot -Path $folder").ThrowIfErrors();

            Assert.Equal(
                new[] { "GET /v1/_snapshots?label_contains=nightly", "GET /v1/_snapshots/snap_n2/export", "GET /v1/_snapshots/snap_n1/export" },
                Server.Wire());
            Assert.Equal(new[] { "snap_n1.json", "snap_n2.json" }, _folder.GetFiles().Select(f => f.Name).OrderBy(n => n));
            Assert.Equal(2, result.Output.Count);
        }

        [Fact]
        public void ExportThenRestoreFromPathSendsTheFileBackByteForByte()
        {
            Seed("snap_a", null, 1);
            string target = Path.Combine(_folder.FullName, "a.json");
            var result = _fixture.Session.Run(
                "Export-LoomcycleSnapshot snap_a -Path $target | Out-Null; Restore-LoomcycleSnapshot -Path $target -Force",
                new Dictionary<string, object?> { ["target"] = target }).ThrowIfErrors();

            Assert.Equal(new[] { "GET /v1/_snapshots/snap_a/export", "POST /v1/_snapshots/inline/restore" }, Server.Wire());
            byte[] file = File.ReadAllBytes(target);
            Assert.Equal(Encoding.UTF8.GetBytes(Envelope), file);
            byte[] body = Server.Requests[1].Body;
            Assert.Equal(Encoding.UTF8.GetBytes("{\"json\":").Concat(file).Concat(Encoding.UTF8.GetBytes("}")), body);
            PSObject restored = Assert.Single(result.Output);
            Assert.Equal("Loomcycle.SnapshotRestoreResult", restored.TypeName());
            Assert.Equal(target, restored.Str("Source"));
        }

        [Fact]
        public void RestoreByIdSendsIncludeHistoryOnlyWhenGiven()
        {
            Seed("snap_a", null, 1);
            Run("Restore-LoomcycleSnapshot snap_a -Force").ThrowIfErrors();
            Run("Get-LoomcycleSnapshot snap_a | Restore-LoomcycleSnapshot -IncludeHistory -Force").ThrowIfErrors();

            Assert.Equal(new[] { "POST /v1/_snapshots/snap_a/restore", "GET /v1/_snapshots/snap_a", "POST /v1/_snapshots/snap_a/restore" }, Server.Wire());
            Assert.Equal("{}", Server.Requests[0].BodyText);
            Assert.Equal("{\"include_history\":true}", Server.Requests[2].BodyText);
            Assert.True(Server.State.LastRestoreIncludeHistory);
        }

        [Fact]
        public void RestoreFromJsonSendsTheJsonInline()
        {
            var result = Run("Restore-LoomcycleSnapshot -Json '{\"schema_version\":1}' -Force").ThrowIfErrors();
            Assert.Equal("{\"json\":{\"schema_version\":1}}", Assert.Single(Server.Requests).BodyText);
            Assert.Equal("inline JSON", Assert.Single(result.Output).Str("Source"));
        }

        [Fact]
        public void ANewerEnvelopeIsSnapshotVersion()
        {
            var result = Run("Restore-LoomcycleSnapshot -Json '{\"schema_version\":9}' -Force");
            result.AssertSingleError("SnapshotVersion", "RestoreLoomcycleSnapshotCommand", ErrorCategory.InvalidData, "inline JSON");
            Assert.Contains("snapshot_version_too_new", result.AllErrors.Single().Exception.Message);
        }

        [Fact]
        public void RestoreOfAnUnknownIdIsSnapshotNotFound()
        {
            var result = Run("Restore-LoomcycleSnapshot snap_nope -Force");
            result.AssertSingleError("SnapshotNotFound", "RestoreLoomcycleSnapshotCommand", ErrorCategory.ObjectNotFound, "snap_nope");
        }

        [Fact]
        public void BadRestoreInputFailsBeforeSending()
        {
            string missing = Path.Combine(_folder.FullName, "missing.json");
            string notJson = Path.Combine(_folder.FullName, "list.json");
            File.WriteAllText(notJson, "[1,2]");

            var noFile = _fixture.Session.Run("Restore-LoomcycleSnapshot -Path $p -Force", new Dictionary<string, object?> { ["p"] = missing });
            var arrayFile = _fixture.Session.Run("Restore-LoomcycleSnapshot -Path $p -Force", new Dictionary<string, object?> { ["p"] = notJson });
            var badJson = Run("Restore-LoomcycleSnapshot -Json 'not json' -Force");
            var twoSources = Run("Restore-LoomcycleSnapshot -Id snap_a -Json '{}' -Force");

            Assert.Empty(Server.Requests);
            noFile.AssertSingleError("InvalidArgument", "RestoreLoomcycleSnapshotCommand", ErrorCategory.InvalidArgument, missing);
            arrayFile.AssertSingleError("InvalidArgument", "RestoreLoomcycleSnapshotCommand", ErrorCategory.InvalidArgument, notJson);
            badJson.AssertSingleError("InvalidArgument", "RestoreLoomcycleSnapshotCommand", ErrorCategory.InvalidArgument, "inline JSON");
            Assert.Equal("AmbiguousParameterSet,Loomcycle.PowerShell.Commands.RestoreLoomcycleSnapshotCommand", Assert.Single(twoSources.AllErrors).FullyQualifiedErrorId);
        }

        [Fact]
        public void WhatIfSendsNothingForEveryStateChangingSnapshotCmdlet()
        {
            Seed("snap_a", null, 1);
            string file = Path.Combine(_folder.FullName, "w.json");
            File.WriteAllText(file, Envelope);

            var result = _fixture.Session.Run(
                "New-LoomcycleSnapshot -Label x -WhatIf; Export-LoomcycleSnapshot snap_a -Path $folder -WhatIf; " +
                "Restore-LoomcycleSnapshot snap_a -WhatIf; Restore-LoomcycleSnapshot -Path $file -Force -WhatIf; " +
                "Remove-LoomcycleSnapshot snap_a -WhatIf; Remove-LoomcycleSnapshot snap_a -Force -WhatIf",
                new Dictionary<string, object?> { ["folder"] = _folder.FullName, ["file"] = file }).ThrowIfErrors();

            Assert.Empty(Server.Requests);
            Assert.Empty(result.Output);
            Assert.Single(_folder.GetFiles());
            Assert.NotNull(Server.State.FindSnapshot("snap_a"));
        }

        [Fact]
        public void RemoveDeletesByIdAndAMissingIdIsNotAnError()
        {
            Seed("snap_a", null, 1);
            var result = Run("Remove-LoomcycleSnapshot snap_a, snap_never -Force").ThrowIfErrors();
            Assert.Equal(new[] { "DELETE /v1/_snapshots/snap_a", "DELETE /v1/_snapshots/snap_never" }, Server.Wire());
            Assert.Empty(result.Output);
            Assert.Null(Server.State.FindSnapshot("snap_a"));
        }

        [Fact]
        public void PipelineRemovesEverySnapshot()
        {
            Seed("snap_a", "x", 2);
            Seed("snap_b", "y", 1);

            Run("Get-LoomcycleSnapshot | Remove-LoomcycleSnapshot -Force").ThrowIfErrors();

            Assert.Equal(new[] { "GET /v1/_snapshots", "DELETE /v1/_snapshots/snap_b", "DELETE /v1/_snapshots/snap_a" }, Server.Wire());
            Assert.Empty(Server.State.Snapshots);
        }

        [Fact]
        public void PipedRemoveReportsEachFailureForItsOwnSnapshotInOrderIncludingTheLast()
        {
            // The next item is bound while a delete is on the wire (issue 15): failures must still land on their own item,
            // in order, and the last one must not be lost at the end of the pipeline.
            Server.Enqueue("DELETE", "/v1/_snapshots/snap_b", Faults.PlainText(500, "storage unavailable"));
            Server.Enqueue("DELETE", "/v1/_snapshots/snap_d", Faults.PlainText(500, "storage unavailable"));

            var result = Run("'snap_a', 'snap_b', 'snap_c', 'snap_d' | ForEach-Object { [pscustomobject]@{ Id = $_ } } | Remove-LoomcycleSnapshot -Force");

            Assert.Equal(new[] { "DELETE /v1/_snapshots/snap_a", "DELETE /v1/_snapshots/snap_b", "DELETE /v1/_snapshots/snap_c", "DELETE /v1/_snapshots/snap_d" }, Server.Wire());
            Assert.Equal(new object[] { "snap_b", "snap_d" }, result.Errors.Select(e => e.TargetObject).ToArray());
            Assert.All(result.Errors, e => Assert.EndsWith(",Loomcycle.PowerShell.Commands.RemoveLoomcycleSnapshotCommand", e.FullyQualifiedErrorId));
        }

        [Fact]
        public void PipedRemoveWithErrorActionStopSendsNothingAfterTheFailure()
        {
            Server.Enqueue("DELETE", "/v1/_snapshots/snap_b", Faults.PlainText(500, "storage unavailable"));

            var result = Run("try { 'snap_a', 'snap_b', 'snap_c' | ForEach-Object { [pscustomobject]@{ Id = $_ } } | Remove-LoomcycleSnapshot -Force -ErrorAction Stop } catch { 'stopped at ' + $_.TargetObject }");

            Assert.Equal("stopped at snap_b", Assert.Single(result.Output).ToString());
            Assert.Equal(new[] { "DELETE /v1/_snapshots/snap_a", "DELETE /v1/_snapshots/snap_b" }, Server.Wire());
        }

        [Fact]
        public void HighImpactCmdletsAskPerItemWithTheIdAsTarget()
        {
            Seed("snap_a", null, 2);
            Seed("snap_b", null, 1);
            // Confirm:$false is how a script opts out without -Force; -Verbose shows the per-item ShouldProcess target.
            var result = Run("Get-LoomcycleSnapshot | Remove-LoomcycleSnapshot -Confirm:$false -Verbose").ThrowIfErrors();
            Assert.Equal(2, result.Verbose.Count(v => v.Contains("Delete snapshot")));
            Assert.Contains(result.Verbose, v => v.Contains("\"snap_a\""));
            Assert.Contains(result.Verbose, v => v.Contains("\"snap_b\""));
            Assert.Empty(Server.State.Snapshots);
        }

        [Fact]
        public async Task PipelineCopiesASnapshotBetweenTwoServers()
        {
            await using FakeLoomcycleServer second = await FakeLoomcycleServer.StartAsync();
            Seed("snap_src", "prod", 1);

            var result = _fixture.Session.Run(
                "$a = Connect-Loomcycle -BaseUrl $urlA -PassThru -NoDefault; $b = Connect-Loomcycle -BaseUrl $urlB -PassThru -NoDefault; " +
                "Get-LoomcycleSnapshot -Id snap_src -IncludeContent -Connection $a | Restore-LoomcycleSnapshot -Connection $b -Force",
                new Dictionary<string, object?> { ["urlA"] = Server.BaseUri.ToString(), ["urlB"] = second.BaseUri.ToString() }).ThrowIfErrors();

            Assert.Equal(new[] { "GET /v1/_snapshots/snap_src" }, Server.Wire());
            Assert.Equal(new[] { "POST /v1/_snapshots/inline/restore" }, second.Wire());
            string sent = Encoding.UTF8.GetString(second.State.LastRestoredEnvelope!);
            Assert.Equal("café é", JsonDocument.Parse(sent).RootElement.GetProperty("note").GetString());
            Assert.Equal(1, second.State.RestoreCount);
            Assert.Equal(0, Server.State.RestoreCount);
            Assert.Equal("inline JSON", Assert.Single(result.Output).Str("Source")); // restored from content, not by id on the second server
        }

        [Fact]
        public void ErrorActionStopLetsScriptsCatchByExceptionType()
        {
            var result = Run("try { Get-LoomcycleSnapshot -Id snap_gone -ErrorAction Stop; 'not reached' } catch [Loomcycle.SnapshotNotFoundException] { 'caught ' + $_.TargetObject }");
            Assert.Equal("caught snap_gone", Assert.Single(result.Output).ToString());
        }

        [Fact]
        public void WithoutForceHighImpactCmdletsAskAndSendNothingWhenNoOneCanAnswer()
        {
            Seed("snap_a", null, 1);
            // This host cannot prompt: asking fails instead of hanging, and nothing reaches the server.
            var plain = Run("Remove-LoomcycleSnapshot snap_a; Restore-LoomcycleSnapshot snap_a");
            var forcedButConfirm = Run("Remove-LoomcycleSnapshot snap_a -Force -Confirm");
            Assert.Empty(Server.Requests);
            Assert.NotNull(Server.State.FindSnapshot("snap_a"));
            // HostFunctionNotImplemented is the host refusing the confirmation prompt, i.e. the cmdlet asked.
            Assert.Equal(
                new[] { "HostFunctionNotImplemented,Loomcycle.PowerShell.Commands.RemoveLoomcycleSnapshotCommand", "HostFunctionNotImplemented,Loomcycle.PowerShell.Commands.RestoreLoomcycleSnapshotCommand" },
                plain.AllErrors.Select(e => e.FullyQualifiedErrorId));
            Assert.Equal("HostFunctionNotImplemented,Loomcycle.PowerShell.Commands.RemoveLoomcycleSnapshotCommand", Assert.Single(forcedButConfirm.AllErrors).FullyQualifiedErrorId);
        }
    }
}
