using System;
using System.Linq;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>Memory admin (GET /v1/_memory/...): client.test.ts cases 35–37, listMemoryScopeIDs, section 16.9.</summary>
    public sealed class MemoryTests : EngineTest
    {
        public MemoryTests(ServerFixture fixture) : base(fixture) { }

        [Fact]
        public async Task Case35_ListMemoryScopes_ScopesUnwrapped()
        {
            Reply("GET", "/v1/_memory/scopes", 200, "{\"scopes\":[{\"name\":\"agent\",\"description\":\"per agent\"}]}");

            MemoryScope[] scopes = await Connection.ListMemoryScopesAsync();

            Assert.Equal("/v1/_memory/scopes", SingleRequest().RawTarget);
            MemoryScope only = Assert.Single(scopes);
            Assert.Equal("agent", only.Name);
            Assert.Equal("agent", only.Scope);
            Assert.Equal("per agent", only.Description);
        }

        [Fact]
        public async Task ListMemoryScopes_AgainstFakeNewServer_AgentUserTenant()
        {
            MemoryScope[] scopes = await Connection.ListMemoryScopesAsync();
            Assert.Equal(new[] { "agent", "user", "tenant" }, scopes.Select(s => s.Name));
        }

        [Fact]
        public async Task ListMemoryScopeIds_GetsScope_IdsCarryTheirScope()
        {
            Reply("GET", "/v1/_memory/scopes/agent", 200,
                "{\"scope\":\"agent\",\"scope_ids\":[{\"scope_id\":\"a1\",\"key_count\":3,\"bytes\":120,\"updated_at\":\"2026-05-19T10:00:00Z\"}]}");

            MemoryScopeId[] ids = await Connection.ListMemoryScopeIdsAsync("agent");

            Assert.Equal("/v1/_memory/scopes/agent", SingleRequest().RawTarget);
            MemoryScopeId only = Assert.Single(ids);
            Assert.Equal("agent", only.Scope);
            Assert.Equal("a1", only.ScopeId);
            Assert.Equal(3, only.KeyCount);
            Assert.Equal(120, only.Bytes);
            Assert.Equal(new DateTimeOffset(2026, 5, 19, 10, 0, 0, TimeSpan.Zero), only.UpdatedAt);
        }

        [Fact]
        public async Task ListMemoryScopeIds_InvalidScope_InvalidArgumentFromCode()
        {
            var ex = await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.ListMemoryScopeIdsAsync("planet"));
            Assert.Equal("invalid_scope", ex.Code);
            Assert.Equal(400, ex.StatusCode);
        }

        [Fact]
        public async Task Case36_ListMemoryEntries_PathPrefixAndLimitQuery_ValuesRaw_ZeroExpiryNull()
        {
            Reply("GET", "/v1/_memory/scopes/agent/a1/keys", 200,
                "{\"scope\":\"agent\",\"scope_id\":\"a1\",\"entries\":[" +
                "{\"key\":\"events/1\",\"value\":{\"n\": 1, \"s\": \"\\u003cb\\u003e\"},\"expires_at\":\"0001-01-01T00:00:00Z\",\"created_at\":\"2026-05-19T10:00:00Z\",\"updated_at\":\"2026-05-19T11:00:00Z\"}," +
                "{\"key\":\"events/2\",\"value\":\"text\",\"expires_at\":\"2026-06-01T00:00:00Z\",\"created_at\":\"2026-05-19T10:00:00Z\",\"updated_at\":\"2026-05-19T10:00:00Z\"}]," +
                "\"truncated\":true}");

            MemoryEntryList list = await Connection.ListMemoryEntriesAsync("agent", "a1", "events/", 50);

            Assert.Equal("/v1/_memory/scopes/agent/a1/keys?prefix=events%2F&limit=50", SingleRequest().RawTarget);
            Assert.True(list.Truncated);
            Assert.Equal(new[] { "events/1", "events/2" }, list.Entries.Select(e => e.Key));
            Assert.Equal("{\"n\": 1, \"s\": \"\\u003cb\\u003e\"}", list.Entries[0].Value);
            Assert.Equal("\"text\"", list.Entries[1].Value);
            Assert.Null(list.Entries[0].ExpiresAt);
            Assert.Equal(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero), list.Entries[1].ExpiresAt);
            Assert.All(list.Entries, e => Assert.Equal("agent", e.Scope));
            Assert.All(list.Entries, e => Assert.Equal("a1", e.ScopeId));
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1001)]
        public async Task ListMemoryEntries_LimitOutOfRange_RefusedBeforeSending(int limit)
        {
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.ListMemoryEntriesAsync("agent", "a1", null, limit));
            Assert.Empty(Server.Requests);
        }

        [Fact]
        public async Task Case37_GetMemoryEntry_KeyWithSlashEscapedAsOneSegment()
        {
            Reply("GET", "/v1/_memory/scopes/agent/a1/keys/events%2F2026", 200,
                "{\"scope\":\"agent\",\"scope_id\":\"a1\",\"entry\":{\"key\":\"events/2026\",\"value\":[1,2],\"expires_at\":\"0001-01-01T00:00:00Z\",\"created_at\":\"2026-05-19T10:00:00Z\",\"updated_at\":\"2026-05-19T10:00:00Z\"}}");

            MemoryEntry entry = await Connection.GetMemoryEntryAsync("agent", "a1", "events/2026");

            Assert.Equal("/v1/_memory/scopes/agent/a1/keys/events%2F2026", SingleRequest().RawTarget);
            Assert.Equal("events/2026", entry.Key);
            Assert.Equal("[1,2]", entry.Value);
            Assert.Null(entry.ExpiresAt);
            Assert.Equal("agent", entry.Scope);
            Assert.Equal("a1", entry.ScopeId);
        }

        [Fact]
        public async Task GetMemoryEntry_AgainstFakeServer_SlashKeyRoundTrips()
        {
            Server.State.AddMemory("user", "u_mem1", "notes/2026/may", "{\"a\":1}");

            MemoryEntry entry = await Connection.GetMemoryEntryAsync("user", "u_mem1", "notes/2026/may");

            Assert.Equal("notes/2026/may", entry.Key);
            Assert.Equal("{\"a\":1}", entry.Value);
        }

        [Fact]
        public async Task GetMemoryEntry_MissingInAgentScope_NotFoundNotAgentNotFound()
        {
            // Section 16.9: the body "no entry at agent/<id>/<key>" mentions "agent" but the code is not_found.
            var ex = await Assert.ThrowsAsync<NotFoundException>(() => Connection.GetMemoryEntryAsync("agent", "a_session_hook", "snapshot-key"));

            Assert.Equal(typeof(NotFoundException), ex.GetType());
            Assert.Equal("not_found", ex.Code);
            Assert.Equal(404, ex.StatusCode);
            Assert.Contains("no entry at agent/a_session_hook/snapshot-key", ex.Message);
        }

        [Fact]
        public async Task GetMemoryEntry_NoEntryInEnvelope_ProtocolException()
        {
            Reply("GET", "/v1/_memory/scopes/agent/a1/keys/k", 200, "{\"scope\":\"agent\",\"scope_id\":\"a1\"}");

            var ex = await Assert.ThrowsAsync<LoomcycleProtocolException>(() => Connection.GetMemoryEntryAsync("agent", "a1", "k"));
            Assert.Equal("k", ex.Target);
        }

        [Fact]
        public async Task ListMemoryEntries_StoreUnavailable503_UnavailableFromCode()
        {
            Server.Enqueue("GET", "/v1/_memory/scopes/agent/a1/keys", Faults.Json(503, "store_unavailable", "store not configured; Memory admin requires a persistent store"));

            var ex = await Assert.ThrowsAsync<UnavailableException>(() => Connection.ListMemoryEntriesAsync("agent", "a1"));
            Assert.Equal("store_unavailable", ex.Code);
        }

        [Fact]
        public async Task BackfillRepeatsWhileTheServerSaysMoreAndNumbersTheCalls()
        {
            Server.State.Clear();
            for (int i = 0; i < 5; i++)
            {
                Server.State.AddMemory("user", "u1", "k" + i, i.ToString());
            }

            var results = new System.Collections.Generic.List<MemoryEmbeddingResult>();
            await foreach (MemoryEmbeddingResult r in Connection.BackfillMemoryEmbeddingsAsync("user", "u1", limit: 2))
            {
                results.Add(r);
            }

            Assert.Equal(new int?[] { 2, 2, 1 }, results.Select(r => r.Embedded));
            Assert.Equal(new[] { 1, 2, 3 }, results.Select(r => r.Batch));
            Assert.All(results, r => Assert.Equal("Backfill", r.Operation));
            Assert.Equal(Enumerable.Repeat("POST /v1/_memory/backfill_embeddings?scope=user&scope_id=u1&dry_run=false&limit=2", 3), Server.Requests.Select(r => r.Method + " " + r.RawTarget));
        }

        [Fact]
        public async Task BackfillStopsWithAWarningWhenTheServerSaysMoreButEmbedsNothing()
        {
            Server.Enqueue("POST", "/v1/_memory/backfill_embeddings", async ctx =>
            {
                ctx.Response.ContentType = "application/json";
                await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(ctx.Response, "{\"scope\":\"tenant\",\"candidates\":3,\"embedded\":0,\"failed\":1,\"skipped_empty\":2,\"more\":true}");
            });
            var lines = new System.Collections.Generic.List<string>();
            LoomcycleCallContext.Current = new LoomcycleCallContext { Diagnostics = (level, text) => { if (level == DiagnosticLevel.Warning) lines.Add(text); } };
            try
            {
                var results = new System.Collections.Generic.List<MemoryEmbeddingResult>();
                await foreach (MemoryEmbeddingResult r in Connection.BackfillMemoryEmbeddingsAsync("tenant", null))
                {
                    results.Add(r);
                }

                Assert.Single(results);
                Assert.Single(Server.Requests);
                Assert.Equal("The server reports more rows but embedded none in call 1 (2 without text, 1 failed); stopping.", Assert.Single(lines));
            }
            finally
            {
                LoomcycleCallContext.Current = null;
            }
        }
    }
}
