using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>
    /// Ids can never change which route is called (pitfalls 4.3): for every id-bearing operation, ids the server
    /// validates are refused before sending unless they match [A-Za-z0-9_-]{1,128}, and free-form ids travel as
    /// exactly one escaped segment (the request target is checked on the wire).
    /// </summary>
    public sealed class RoutePathTests : EngineTest
    {
        public RoutePathTests(ServerFixture fixture) : base(fixture) { }

        /// <summary>Free-form ids: the operation and the request target with {} for the escaped id.</summary>
        private static readonly Dictionary<string, (Func<LoomcycleConnection, string, Task> Call, string Target)> FreeForm =
            new Dictionary<string, (Func<LoomcycleConnection, string, Task>, string)>
            {
                ["continueSession"] = ((c, id) => c.StartContinueAsync(new ContinueRequest { SessionId = id, Prompt = "p" }), "/v1/sessions/{}/messages"),
                ["getTranscript"] = ((c, id) => c.GetTranscriptAsync(id), "/v1/sessions/{}/transcript"),
                ["getSnapshot"] = ((c, id) => c.GetSnapshotAsync(id), "/v1/_snapshots/{}"),
                ["exportSnapshot"] = ((c, id) => c.ExportSnapshotAsync(id, new MemoryStream()), "/v1/_snapshots/{}/export"),
                ["restoreSnapshot"] = ((c, id) => c.RestoreSnapshotAsync(id), "/v1/_snapshots/{}/restore"),
                ["deleteSnapshot"] = ((c, id) => c.DeleteSnapshotAsync(id), "/v1/_snapshots/{}"),
                ["listMemoryScopeIds.scope"] = ((c, id) => c.ListMemoryScopeIdsAsync(id), "/v1/_memory/scopes/{}"),
                ["listMemoryEntries.scope"] = ((c, id) => c.ListMemoryEntriesAsync(id, "a1"), "/v1/_memory/scopes/{}/a1/keys"),
                ["listMemoryEntries.scopeId"] = ((c, id) => c.ListMemoryEntriesAsync("agent", id), "/v1/_memory/scopes/agent/{}/keys"),
                ["getMemoryEntry.scope"] = ((c, id) => c.GetMemoryEntryAsync(id, "a1", "k"), "/v1/_memory/scopes/{}/a1/keys/k"),
                ["getMemoryEntry.scopeId"] = ((c, id) => c.GetMemoryEntryAsync("agent", id, "k"), "/v1/_memory/scopes/agent/{}/keys/k"),
                ["getMemoryEntry.key"] = ((c, id) => c.GetMemoryEntryAsync("agent", "a1", id), "/v1/_memory/scopes/agent/a1/keys/{}"),
                ["deleteHook"] = ((c, id) => c.DeleteHookAsync(id), "/v1/hooks/{}"),
            };

        /// <summary>Ids the server checks with validIdent.</summary>
        private static readonly Dictionary<string, (Func<LoomcycleConnection, string, Task> Call, string Target)> Validated =
            new Dictionary<string, (Func<LoomcycleConnection, string, Task>, string)>
            {
                ["getAgent"] = ((c, id) => c.GetAgentAsync(id), "/v1/agents/{}"),
                ["cancelAgent"] = ((c, id) => c.CancelAgentAsync(id), "/v1/agents/{}/cancel"),
                ["listUserAgents"] = ((c, id) => c.ListUserAgentsAsync(id), "/v1/users/{}/agents"),
                ["listUserInterrupts"] = ((c, id) => c.ListUserInterruptsAsync(id), "/v1/users/{}/interrupts"),
                ["listRunInterrupts"] = ((c, id) => c.ListRunInterruptsAsync(id), "/v1/runs/{}/interrupts"),
                ["resolveInterrupt.runId"] = ((c, id) => c.ResolveInterruptAsync(id, "intr_1", "yes"), "/v1/runs/{}/interrupts/intr_1/resolve"),
                ["resolveInterrupt.interruptId"] = ((c, id) => c.ResolveInterruptAsync("r1", id, "yes"), "/v1/runs/r1/interrupts/{}/resolve"),
            };

        /// <summary>Hostile ids and the single segment each must become.</summary>
        private static readonly (string Id, string Escaped)[] Hostile =
        {
            ("a/b", "a%2Fb"),
            ("?x", "%3Fx"),
            ("a?b=c", "a%3Fb%3Dc"),
            ("#", "%23"),
            ("a#frag", "a%23frag"),
            ("%2F", "%252F"),
            ("%2E%2E", "%252E%252E"),
            ("../_pause", "..%2F_pause"),
            ("with spaces", "with%20spaces"),
            ("é日本", "%C3%A9%E6%97%A5%E6%9C%AC"),
            ("a\\b", "a%5Cb"),
            ("...", "..."),
        };

        public static IEnumerable<object[]> FreeFormCases() =>
            from op in FreeForm.Keys from h in Hostile select new object[] { op, h.Id, h.Escaped };

        public static IEnumerable<object[]> FreeFormOperations() => FreeForm.Keys.Select(k => new object[] { k });

        public static IEnumerable<object[]> ValidatedCases() =>
            from op in Validated.Keys
            from id in Hostile.Select(h => h.Id).Concat(new[] { "..", ".", "", "a b", new string('a', 129), "a\u00e9", "a.b" })
            select new object[] { op, id };

        public static IEnumerable<object[]> ValidatedOperations() => Validated.Keys.Select(k => new object[] { k });

        [Theory]
        [MemberData(nameof(FreeFormCases))]
        public async Task FreeFormId_SentAsExactlyOneEscapedSegment(string operation, string id, string escaped)
        {
            Server.Enqueue("*", "*", Faults.PlainText(418, "teapot"));

            var ex = await Assert.ThrowsAnyAsync<LoomcycleException>(() => FreeForm[operation].Call(Connection, id));

            Assert.Equal(418, ex.StatusCode); // the answer came from the one request the test made
            RecordedRequest request = SingleRequest();
            Assert.Equal(FreeForm[operation].Target.Replace("{}", escaped), request.RawTarget);
        }

        [Theory]
        [MemberData(nameof(FreeFormOperations))]
        public async Task FreeFormId_DotSegmentsAndEmpty_RefusedBeforeSending(string operation)
        {
            foreach (string id in new[] { ".", "..", "" })
            {
                var ex = await Assert.ThrowsAsync<InvalidArgumentException>(() => FreeForm[operation].Call(Connection, id));
                Assert.Equal(0, ex.StatusCode);
            }

            await Assert.ThrowsAsync<InvalidArgumentException>(() => FreeForm[operation].Call(Connection, null!));
            Assert.Empty(Server.Requests);
        }

        [Theory]
        [MemberData(nameof(ValidatedCases))]
        public async Task ValidatedId_NotMatchingTheServersPattern_RefusedBeforeSending(string operation, string id)
        {
            var ex = await Assert.ThrowsAsync<InvalidArgumentException>(() => Validated[operation].Call(Connection, id));

            Assert.Equal(0, ex.StatusCode);
            Assert.Empty(Server.Requests);
        }

        [Theory]
        [MemberData(nameof(ValidatedOperations))]
        public async Task ValidatedId_LettersDigitsUnderscoreDash_UpTo128_SentUnchanged(string operation)
        {
            string longest = "A-z_09" + new string('x', 122);
            Server.Enqueue("*", "*", Faults.PlainText(418, "teapot"));

            await Assert.ThrowsAnyAsync<LoomcycleException>(() => Validated[operation].Call(Connection, longest));

            Assert.Equal(Validated[operation].Target.Replace("{}", longest), SingleRequest().RawTarget);
        }

        [Fact]
        public void ExportUri_FreeFormIdEscapedAsOneSegment_NoRequest()
        {
            Assert.Equal(Server.BaseUri + "v1/_snapshots/..%2F_pause/export", Connection.GetSnapshotExportUri("../_pause").AbsoluteUri);
            Assert.Equal(Server.BaseUri + "v1/_snapshots/a%2Fb%3Fc%23d/export", Connection.GetSnapshotExportUri("a/b?c#d").AbsoluteUri);
            Assert.Throws<InvalidArgumentException>(() => Connection.GetSnapshotExportUri(".."));
            Assert.Empty(Server.Requests);
        }

        [Fact]
        public async Task QueryValues_Escaped_NeverAddParameters()
        {
            Server.Enqueue("*", "*", Faults.Status(200, "application/json", "{\"entries\":[],\"truncated\":false}"));

            await Connection.ListMemoryEntriesAsync("agent", "a1", prefix: "x&limit=1000#y z/");

            Assert.Equal("/v1/_memory/scopes/agent/a1/keys?prefix=x%26limit%3D1000%23y%20z%2F", SingleRequest().RawTarget);
        }

        [Fact]
        public async Task FreeFormIds_ReachTheFakeServersRouteAsOneValue()
        {
            // The fake server routes like Go's mux (escaped '/' stays inside the segment): the ids round-trip.
            Server.State.AddSnapshot("snap/with?odd#chars é", "{\"schema_version\":1,\"sections\":{}}");
            Server.State.AddMemory("agent", "scope id/1", "key/with/slashes?", "true");

            Snapshot snapshot = await Connection.GetSnapshotAsync("snap/with?odd#chars é");
            MemoryEntry entry = await Connection.GetMemoryEntryAsync("agent", "scope id/1", "key/with/slashes?");

            Assert.Equal("snap/with?odd#chars é", snapshot.Id);
            Assert.Equal("key/with/slashes?", entry.Key);
            Assert.Equal("true", entry.Value);
        }
    }
}
