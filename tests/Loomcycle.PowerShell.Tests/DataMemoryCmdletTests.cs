using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>Set-, Remove-, Search-LoomcycleMemory, the embedding cmdlets, the change feeds, and a 1 000-row copy between two servers.</summary>
    public sealed class DataMemoryCmdletTests : IClassFixture<ServerAndSession>
    {
        private readonly ServerAndSession _fixture;

        public DataMemoryCmdletTests(ServerAndSession fixture)
        {
            _fixture = fixture;
            _fixture.Server.Reset();
        }

        private FakeLoomcycleServer Server => _fixture.Server;

        private static JsonElement Body(RecordedRequest request) => request.Json ?? throw new InvalidOperationException("no JSON body");

        [Fact]
        public void SetSendsAnyObjectAsJsonUnderAKeyWithASlashAndWritesNothing()
        {
            var result = _fixture.Session.Run("Set-LoomcycleMemory -Scope user -ScopeId u1 -Key prefs/theme -Value ([ordered]@{ mode = 'dark'; size = 14; tags = @('a', 'b'); on = $true }) -TtlSec 60 -Embed").ThrowIfErrors();

            Assert.Empty(result.Output);
            RecordedRequest put = Assert.Single(Server.Requests);
            Assert.Equal("PUT /v1/_memory/scopes/user/u1/keys/prefs%2Ftheme", put.Method + " " + put.RawTarget);
            Assert.Equal("{\"value\":{\"mode\":\"dark\",\"size\":14,\"tags\":[\"a\",\"b\"],\"on\":true},\"embed\":true,\"ttl_seconds\":60}", put.BodyText);
            MemoryEntry stored = Server.State.FindMemory("user", "u1", "prefs/theme")!;
            Assert.Equal("{\"mode\":\"dark\",\"size\":14,\"tags\":[\"a\",\"b\"],\"on\":true}", stored.ValueJson);
            Assert.NotNull(stored.ExpiresAt);
            Assert.True(Server.State.IsEmbedded("user", "u1", "prefs/theme"));
        }

        [Fact]
        public void JsonIsSentExactlyAndPassThruWritesTheAnswer()
        {
            var result = _fixture.Session.Run("Set-LoomcycleMemory tenant _ policy -Json '{\"days\": 30, \"big\": 123456789012345678901234}' -PassThru").ThrowIfErrors();

            Assert.Equal("{\"value\":{\"days\": 30, \"big\": 123456789012345678901234}}", Assert.Single(Server.Requests).BodyText);
            PSObject answer = Assert.Single(result.Output);
            Assert.Equal("Loomcycle.MemoryWriteResult", answer.TypeName());
            Assert.Equal("policy", answer.Str("Key"));
            Assert.Equal("", answer.Str("ScopeId")); // the server echoes the tenant scope's id as ""
            Assert.Equal(false, answer.Prop("Embedded"));
        }

        [Theory]
        [InlineData("\"日本\" 1")]
        [InlineData("\"日本日本日本日本日本\",\"embed\":true")]
        [InlineData("{\"a\":\"ü\"} {}")]
        [InlineData("\"é\"\u00a0")]
        public void TextAfterANonAsciiValueIsRefusedBeforeSending(string json)
        {
            // The check counts the bytes after the value in UTF-8, as the reader does, not in characters.
            var result = _fixture.Session.Run(
                "Set-LoomcycleMemory user u1 k1 -Json $json; Send-LoomcycleChannelMessage orders -Json $json",
                new Dictionary<string, object?> { ["json"] = json });
            Assert.Empty(Server.Requests);
            Assert.Equal(2, result.AllErrors.Count());
            Assert.All(result.AllErrors, e => Assert.Contains("holds more than one JSON value", e.Exception.Message, StringComparison.Ordinal));
        }

        [Fact]
        public void ANonAsciiValueWithTrailingWhitespaceIsSentAsIs()
        {
            _fixture.Session.Run("Set-LoomcycleMemory user u1 kj -Json $json", new Dictionary<string, object?> { ["json"] = "\"日本\" \r\n\t" }).ThrowIfErrors();
            Assert.Contains("\"日本\"", JsonDocument.Parse(Assert.Single(Server.Requests).Body).RootElement.GetRawText(), StringComparison.Ordinal);
        }

        [Fact]
        public void BadValuesAreRefusedBeforeSending()
        {
            var result = _fixture.Session.Run(
                "Set-LoomcycleMemory user u1 k1 -Json '{not json'; Set-LoomcycleMemory user u1 k2 -Json '1 2'; Set-LoomcycleMemory user u1 k3 -Value $null; Set-LoomcycleMemory user '..' k4 -Value 1");

            Assert.Empty(Server.Requests);
            var errors = result.AllErrors.ToList();
            Assert.Equal(4, errors.Count);
            CmdletTestHelpers.AssertError(errors[0], "InvalidArgument", "SetLoomcycleMemoryCommand", ErrorCategory.InvalidArgument, "k1");
            CmdletTestHelpers.AssertError(errors[1], "InvalidArgument", "SetLoomcycleMemoryCommand", ErrorCategory.InvalidArgument, "k2");
            CmdletTestHelpers.AssertError(errors[2], "InvalidArgument", "SetLoomcycleMemoryCommand", ErrorCategory.InvalidArgument, "k3");
            CmdletTestHelpers.AssertError(errors[3], "InvalidArgument", "SetLoomcycleMemoryCommand", ErrorCategory.InvalidArgument, "..");
        }

        [Fact]
        public void AValueOverTheServersCapIsLimitExceededForTheKey()
        {
            Server.State.MemoryMaxValueBytes = 10;
            try
            {
                var result = _fixture.Session.Run("Set-LoomcycleMemory user u1 big -Value ('x' * 50)");
                ErrorRecord error = result.AssertSingleError("LimitExceeded", "SetLoomcycleMemoryCommand", ErrorCategory.LimitsExceeded, "big");
                Assert.Equal("memory_value_too_large", error.ExceptionProperty("Code"));
                Assert.Equal(413, error.ExceptionProperty("StatusCode"));
            }
            finally
            {
                Server.State.MemoryMaxValueBytes = 16 * 1024 * 1024;
            }
        }

        [Fact]
        public void AFailedEmbeddingIsAWarningNotAnError()
        {
            Server.State.EmbedderConfigured = false;
            var result = _fixture.Session.Run("Set-LoomcycleMemory user u1 note -Value 'hello' -Embed").ThrowIfErrors();
            Assert.Contains("not embedded: embedder not configured", Assert.Single(result.Warnings));
            Assert.NotNull(Server.State.FindMemory("user", "u1", "note"));
        }

        [Fact]
        public void RemoveDeletesEachPipedKeyAndAMissingKeyIsNotAnError()
        {
            Server.State.AddMemory("agent", "planner", "scratch/a", "1");
            Server.State.AddMemory("agent", "planner", "scratch/b", "2");
            Server.State.AddMemory("agent", "planner", "keep", "3");

            _fixture.Session.Run("Get-LoomcycleMemory agent planner -Prefix scratch/ | Remove-LoomcycleMemory -Force; Remove-LoomcycleMemory agent planner gone -Force").ThrowIfErrors();

            Assert.Equal(
                new[] { "DELETE /v1/_memory/scopes/agent/planner/keys/scratch%2Fa", "DELETE /v1/_memory/scopes/agent/planner/keys/scratch%2Fb", "DELETE /v1/_memory/scopes/agent/planner/keys/gone" },
                Server.Wire().Skip(1));
            Assert.Equal(new[] { "keep" }, Server.State.Memory.Select(m => m.Key));
        }

        [Fact]
        public void PipedRowsOfDifferentScopesAreEachDeletedInTheirOwnScope()
        {
            // The first delete is slow, so the others queue behind it and are sent after PowerShell has bound later rows:
            // each must still go to its own row's scope and scope id.
            Server.State.AddMemory("agent", "planner", "k1", "1");
            Server.State.AddMemory("user", "u7", "k2", "2");
            Server.State.AddMemory("agent", "other", "k3", "3");
            Server.Enqueue("DELETE", "/v1/_memory/scopes/agent/planner/keys/k1", Faults.Delayed(TimeSpan.FromMilliseconds(300)));

            _fixture.Session.Run("@(Get-LoomcycleMemory agent planner) + @(Get-LoomcycleMemory user u7) + @(Get-LoomcycleMemory agent other) | Remove-LoomcycleMemory -Force").ThrowIfErrors();

            Assert.Equal(
                new[] { "DELETE /v1/_memory/scopes/agent/planner/keys/k1", "DELETE /v1/_memory/scopes/user/u7/keys/k2", "DELETE /v1/_memory/scopes/agent/other/keys/k3" },
                Server.Wire().Where(w => w.StartsWith("DELETE", StringComparison.Ordinal)));
        }

        [Fact]
        public void RemoveAsksUnlessForcedAndWhatIfSendsNothing()
        {
            Server.State.AddMemory("user", "u1", "k", "1");
            _fixture.Session.Run("Remove-LoomcycleMemory user u1 k -WhatIf -Force").ThrowIfErrors();
            Assert.Empty(Server.Requests);
            Assert.Single(Server.State.Memory);
        }

        [Fact]
        public void SearchSendsTheQueryAndWritesHitsWithTheirValues()
        {
            Server.State.AddMemory("user", "u1", "refund", "{\"policy\":\"refund within 30 days\"}");
            Server.State.AddMemory("user", "u1", "other", "\"nothing here\"");
            _fixture.Session.Run("Get-LoomcycleMemory user u1 | Set-LoomcycleMemory -Embed").ThrowIfErrors();
            Server.ClearRequests();

            var result = _fixture.Session.Run("$h = Search-LoomcycleMemory 'refund policy' -Scope user -ScopeId u1 -Top 5 -Source facts, notes; $h; $h.ValueObject.policy").ThrowIfErrors();

            RecordedRequest search = Assert.Single(Server.Requests);
            Assert.Equal("POST /v1/_memory/search", search.Method + " " + search.RawTarget);
            Assert.Equal("{\"query\":\"refund policy\",\"scope\":\"user\",\"scope_id\":\"u1\",\"top_k\":5,\"sources\":[\"facts\",\"notes\"]}", search.BodyText);
            Assert.Equal("Loomcycle.MemorySearchHit", result.Output[0].TypeName());
            Assert.Equal("refund", result.Output[0].Str("Key"));
            Assert.Equal("fact", result.Output[0].Str("Kind"));
            Assert.Equal("refund within 30 days", result.Output.Last().ToString());
        }

        [Fact]
        public void SearchWithoutAnEmbedderIsUnavailableAndAScopeIdIsRequiredBeforeSending()
        {
            Server.State.EmbedderConfigured = false;
            var result = _fixture.Session.Run("Search-LoomcycleMemory x -Scope user -ScopeId u1; Search-LoomcycleMemory x -Scope agent");
            var errors = result.AllErrors.ToList();
            Assert.Equal(2, errors.Count);
            CmdletTestHelpers.AssertError(errors[0], "Unavailable", "SearchLoomcycleMemoryCommand", ErrorCategory.ResourceUnavailable, "u1");
            Assert.Equal("search_unavailable", errors[0].ExceptionProperty("Code"));
            CmdletTestHelpers.AssertError(errors[1], "InvalidArgument", "SearchLoomcycleMemoryCommand", ErrorCategory.InvalidArgument, "agent");
            Assert.Single(Server.Requests);
        }

        [Fact]
        public void EmbeddingStatsAreAnObject()
        {
            Server.State.AddMemory("user", "u1", "a", "1");
            _fixture.Session.Run("Set-LoomcycleMemory user u1 a -Value 1 -Embed").ThrowIfErrors();
            Server.ClearRequests();
            var result = _fixture.Session.Run("Get-LoomcycleMemoryEmbedding -Scope user").ThrowIfErrors();
            Assert.Equal(new[] { "GET /v1/_memory/embed_stats?scope=user" }, Server.Wire());
            PSObject stats = Assert.Single(result.Output);
            Assert.Equal("Loomcycle.MemoryEmbeddingStats", stats.TypeName());
            Assert.Equal(32L, stats.Prop("TotalEmbeddingBytes"));
        }

        [Fact]
        public void BackfillRepeatsWhileTheServerSaysMoreAndReportsProgress()
        {
            for (int i = 0; i < 5; i++)
            {
                Server.State.AddMemory("user", "u1", "k" + i, i.ToString());
            }

            var result = _fixture.Session.Run("Update-LoomcycleMemoryEmbedding -Backfill -Scope user -ScopeId u1 -Limit 2 -Force").ThrowIfErrors();

            Assert.Equal(Enumerable.Repeat("POST /v1/_memory/backfill_embeddings?scope=user&scope_id=u1&dry_run=false&limit=2", 3), Server.Wire());
            Assert.Equal(new object[] { 2, 2, 1 }, result.Output.Select(o => o.Prop("Embedded")));
            Assert.Equal(new object[] { 1, 2, 3 }, result.Output.Select(o => o.Prop("Batch")));
            Assert.All(result.Output, o => Assert.Equal("Backfill", o.Str("Operation")));
            Assert.All(Server.State.Memory, m => Assert.True(Server.State.IsEmbedded(m.Scope, m.ScopeId, m.Key)));
        }

        [Fact]
        public void WhatIfShowsTheServersOwnDryRunAndChangesNothing()
        {
            Server.State.AddMemory("user", "u1", "k0", "0");
            Server.State.AddMemory("user", "u1", "k1", "1");

            var result = _fixture.Session.Run("Update-LoomcycleMemoryEmbedding -Backfill -Scope user -ScopeId u1 -WhatIf; Update-LoomcycleMemoryEmbedding -Reembed -Scope user -ScopeId u1 -WhatIf").ThrowIfErrors();

            Assert.Equal(
                new[] { "POST /v1/_memory/backfill_embeddings?scope=user&scope_id=u1&dry_run=true", "POST /v1/_memory/reembed?scope=user&scope_id=u1&dry_run=true" },
                Server.Wire());
            Assert.Equal(2, result.Output.Count);
            Assert.All(result.Output, o => Assert.Equal(true, o.Prop("DryRun")));
            Assert.Equal(2, result.Output[0].Prop("Candidates"));
            Assert.Equal(new[] { "k0", "k1" }, (string[])result.Output[0].Prop("SampleKeys")!);
            Assert.Equal(2, result.Output[1].Prop("RowsTotal"));
            Assert.False(Server.State.IsEmbedded("user", "u1", "k0"));
        }

        [Fact]
        public void MaintenanceWithoutAnEmbedderIsUnavailable()
        {
            Server.State.EmbedderConfigured = false;
            var result = _fixture.Session.Run("Update-LoomcycleMemoryEmbedding -Reembed -Scope tenant -Force");
            ErrorRecord error = result.AssertSingleError("Unavailable", "UpdateLoomcycleMemoryEmbeddingCommand", ErrorCategory.ResourceUnavailable, "tenant");
            Assert.Equal("embedder_not_configured", error.ExceptionProperty("Code"));
        }

        [Fact]
        public void WatchWritesChangesWithTheirOwnTypeAndResumesFromSeq()
        {
            _fixture.Session.Run("Set-LoomcycleMemory user u1 a -Value 1; Set-LoomcycleMemory user u1 'b/c' -Value 2; Remove-LoomcycleMemory user u1 a -Force").ThrowIfErrors();
            Server.State.AddChange("document.chunk.updated", "user", "u1", chunkId: "ch_1");
            Server.ClearRequests();
            _fixture.Session.Run("Import-Module -Assembly $testAssembly", new Dictionary<string, object?> { ["testAssembly"] = typeof(FaultTests.SelectFirstTestCommand).Assembly }).ThrowIfErrors();

            var first = _fixture.Session.Run("Watch-LoomcycleMemory -Verbose | Select-FirstTest -First 3").ThrowIfErrors();
            Assert.Equal(new[] { "GET /v1/_memory/changes" }, Server.Wire());
            Assert.Equal(new[] { "memory.set", "memory.set", "memory.delete" }, first.Output.Select(o => o.Str("Type")));
            Assert.Equal(new[] { "a", "b/c", "a" }, first.Output.Select(o => o.Str("Key")));
            Assert.All(first.Output, o => Assert.Equal("change", o.Str("Event")));
            Assert.Equal("Loomcycle.MemoryChange", first.Output[0].TypeName());
            Assert.Contains(first.Verbose, v => v.Contains("capture on"));

            var resumed = _fixture.Session.Run("Watch-LoomcycleMemory -Since 1 | Select-FirstTest -First 2").ThrowIfErrors();
            Assert.Equal(new object[] { 2L, 3L }, resumed.Output.Select(o => o.Prop("Seq")));
            Assert.EndsWith("?since=1", Server.Wire().Last());

            var documents = _fixture.Session.Run("Watch-LoomcycleDocument | Select-FirstTest -First 1").ThrowIfErrors();
            Assert.Equal("document.chunk.updated", documents.Output[0].Str("Type"));
            Assert.Equal("ch_1", documents.Output[0].Str("ChunkId"));
            Assert.Equal(4L, documents.Output[0].Prop("Seq"));
        }

        [Fact]
        public void WatchEndsQuietlyAfterTimeoutSecAndWarnsWhenCaptureIsOff()
        {
            Server.State.ChangeCaptureEnabled = false;
            var result = _fixture.Session.Run("Watch-LoomcycleMemory -TimeoutSec 1").ThrowIfErrors();
            Assert.Empty(result.Output);
            Assert.Contains(result.Warnings, w => w.Contains("Change capture is off"));
        }

        [Fact]
        public void AFeedThatBreaksAdvisesSinceWithTheLastSeqWritten()
        {
            Server.Enqueue("GET", "/v1/_memory/changes", Faults.RawSseThenReset(
                Faults.Frame("feed", "{\"enabled\":true,\"since\":0,\"embedder\":{\"state\":\"absent\",\"calls\":0,\"failures\":0}}"),
                Faults.Frame("change", "{\"seq\":7,\"type\":\"memory.set\",\"scope\":\"user\",\"scope_id\":\"u1\",\"key\":\"a\",\"at\":\"2026-12-07T00:00:00Z\"}")));

            var result = _fixture.Session.Run("Watch-LoomcycleMemory -MaximumRetryCount 0");

            Assert.Equal(7L, Assert.Single(result.Output).Prop("Seq"));
            ErrorRecord error = result.AssertSingleError("LoomcycleConnection", "WatchLoomcycleMemoryCommand", ErrorCategory.ConnectionError, "memory");
            Assert.Contains("broke after seq 7", error.Exception.Message);
            Assert.DoesNotContain("-Since", error.Exception.Message);
            Assert.Equal("Run the command again with -Since 7 to resume where the feed broke.", error.ErrorDetails.RecommendedAction);
        }

        private const string FeedOpen = "{\"enabled\":true,\"since\":0,\"embedder\":{\"state\":\"absent\",\"calls\":0,\"failures\":0}}";

        [Fact]
        public void AFeedTheServerEndsIsABrokenWatchNotAFinishedOne()
        {
            // The server ends a feed only when the client leaves: an end from its side (a restart, a proxy) used to finish the
            // watch as a success, and a scheduled sync job stopped without a word.
            Server.Enqueue("GET", "/v1/_memory/changes", Faults.RawSse(
                Faults.Frame("feed", FeedOpen),
                Faults.Frame("change", "{\"seq\":9,\"type\":\"memory.set\",\"scope\":\"user\",\"scope_id\":\"u1\",\"key\":\"a\",\"at\":\"2026-12-07T00:00:00Z\"}")));

            var result = _fixture.Session.Run("Watch-LoomcycleMemory -MaximumRetryCount 0");

            Assert.Equal(9L, Assert.Single(result.Output).Prop("Seq"));
            ErrorRecord error = result.AssertSingleError("LoomcycleConnection", "WatchLoomcycleMemoryCommand", ErrorCategory.ConnectionError, "memory");
            Assert.Contains("closed by the server after seq 9", error.Exception.Message);
            Assert.Equal("Run the command again with -Since 9 to resume where the feed broke.", error.ErrorDetails.RecommendedAction);
        }

        [Fact]
        public void AFeedThatGoesSilentAdvisesSinceToo()
        {
            var never = new TaskCompletionSource<bool>();
            Server.Enqueue("GET", "/v1/_document/changes", Faults.HoldOpen(new[] { Faults.Frame("feed", FeedOpen) }, never.Task));

            var result = _fixture.Session.Run(
                $"$quick = Connect-Loomcycle -BaseUrl '{Server.BaseUri}' -StreamIdleTimeoutSec 1 -PassThru -NoDefault; Watch-LoomcycleDocument -Since 4 -Connection $quick -MaximumRetryCount 0 -TimeoutSec 30"); // -TimeoutSec: a backstop, not what ends it

            never.SetResult(true);
            ErrorRecord error = result.AssertSingleError("LoomcycleTimeout", "WatchLoomcycleDocumentCommand", ErrorCategory.OperationTimeout, "document");
            Assert.Contains("went silent after seq 4", error.Exception.Message);
            Assert.Equal("Run the command again with -Since 4 to resume where the feed broke.", error.ErrorDetails.RecommendedAction);
        }

        [Fact]
        public void AFeedWithoutAStoreIsUnavailable()
        {
            Server.Enqueue("GET", "/v1/_memory/changes", Faults.PlainText(503, "change feed requires a persistence backend"));
            var result = _fixture.Session.Run("Watch-LoomcycleMemory -MaximumRetryCount 0");
            result.AssertSingleError("Unavailable", "WatchLoomcycleMemoryCommand", ErrorCategory.ResourceUnavailable, "memory");
        }

        [Fact]
        public async Task AThousandRowsCopyBetweenTwoServersInOnePipelineExactly()
        {
            await using FakeLoomcycleServer target = await FakeLoomcycleServer.StartAsync(new FakeServerOptions { KeepaliveInterval = TimeSpan.FromMilliseconds(200) });
            var source = Server.State;
            DateTimeOffset expires = DateTimeOffset.UtcNow.AddHours(2);
            for (int i = 0; i < 1000; i++)
            {
                string value = (i % 4) switch
                {
                    0 => "{\"n\":" + i + ",\"text\":\"caf\\u00e9 <b> \\\"q\\\"\",\"big\":123456789012345678901234,\"f\":1.50}",
                    1 => "[" + i + ",true,null,\"x\"]",
                    2 => "\"plain " + i + "\"",
                    _ => i.ToString(),
                };
                source.AddMemory("agent", "planner", "notes/" + i.ToString("D4"), value, i % 3 == 0 ? expires : null);
            }

            var result = _fixture.Session.Run(
                "$b = Connect-Loomcycle -BaseUrl $targetUrl -PassThru -NoDefault; Get-LoomcycleMemory agent planner -Limit 1000 | Set-LoomcycleMemory -Connection $b",
                new Dictionary<string, object?> { ["targetUrl"] = target.BaseUri.ToString() }).ThrowIfErrors();

            Assert.Empty(result.Output);
            Assert.Equal(1000, target.Requests.Count(r => r.Method == "PUT"));
            var copied = target.State.Memory.ToDictionary(m => m.Key);
            Assert.Equal(1000, copied.Count);
            foreach (MemoryEntry original in source.Memory)
            {
                MemoryEntry copy = copied[original.Key];
                Assert.Equal(("agent", "planner"), (copy.Scope, copy.ScopeId));
                Assert.Equal(Compact(original.ValueJson), Compact(copy.ValueJson));
                if (original.ExpiresAt is DateTimeOffset e)
                {
                    // The TTL travels in whole seconds: rounded up, so a copy never expires first.
                    Assert.InRange((copy.ExpiresAt!.Value - e).TotalSeconds, 0, 5);
                }
                else
                {
                    Assert.Null(copy.ExpiresAt);
                }
            }

            // Byte for byte: every value a reader of the copy gets is the source's exact text.
            var a = _fixture.Session.Run("Get-LoomcycleMemory agent planner -Limit 1000").ThrowIfErrors();
            var b = _fixture.Session.Run($"Get-LoomcycleMemory agent planner -Limit 1000 -Connection (Connect-Loomcycle -BaseUrl '{target.BaseUri}' -PassThru -NoDefault)").ThrowIfErrors();
            Assert.Equal(1000, b.Output.Count);
            Assert.Equal(a.Output.Select(o => o.Str("Key") + "=" + o.Str("Value")), b.Output.Select(o => o.Str("Key") + "=" + o.Str("Value")));
            Assert.Contains("123456789012345678901234", b.Output[0].Str("Value"));
        }

        private static string Compact(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);
    }
}
