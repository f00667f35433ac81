using System;
using System.Linq;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>registerHook / listHooks / deleteHook: client.test.ts cases 42–49, section 16.5.</summary>
    public sealed class HookTests : EngineTest
    {
        public HookTests(ServerFixture fixture) : base(fixture) { }

        [Fact]
        public async Task Case42_RegisterHook_AllOptions_BodyExact_IdReturned()
        {
            Reply("POST", "/v1/hooks", 200, "{\"id\":\"hook_abc\"}");

            Hook hook = await Connection.RegisterHookAsync(new RegisterHookRequest
            {
                Owner = "jobs-search-web",
                Name = "scan",
                Phase = "pre",
                Tools = new[] { "WebFetch" },
                CallbackUrl = "https://callback.local/h",
                FailMode = "closed",
                TimeoutMs = 2500,
            });

            RecordedRequest request = SingleRequest();
            Assert.Equal("POST", request.Method);
            Assert.Equal("/v1/hooks", request.RawTarget);
            JsonAssert.Equal(
                "{\"owner\":\"jobs-search-web\",\"name\":\"scan\",\"phase\":\"pre\",\"tools\":[\"WebFetch\"],\"callback_url\":\"https://callback.local/h\",\"fail_mode\":\"closed\",\"timeout_ms\":2500}",
                request.Json);
            Assert.Equal("hook_abc", hook.Id);
            Assert.Equal("jobs-search-web", hook.Owner);
            Assert.Equal("closed", hook.FailMode);
            Assert.Equal(2500, hook.TimeoutMs);
        }

        [Fact]
        public async Task Case43_RegisterHook_Minimal_BodyExactlyOwnerNamePhaseCallback()
        {
            Reply("POST", "/v1/hooks", 200, "{\"id\":\"hook_min\"}");

            Hook hook = await Connection.RegisterHookAsync(new RegisterHookRequest { Owner = "x", Name = "y", Phase = "post", CallbackUrl = "http://127.0.0.1:9/cb" });

            JsonAssert.Equal("{\"owner\":\"x\",\"name\":\"y\",\"phase\":\"post\",\"callback_url\":\"http://127.0.0.1:9/cb\"}", SingleRequest().Json);
            Assert.Equal("open", hook.FailMode); // the server's default
            Assert.Null(hook.Tools);
        }

        [Fact]
        public async Task Case44_RegisterHook_400InvalidRegistration_InvalidArgumentException()
        {
            Server.Enqueue("POST", "/v1/hooks", Faults.PlainText(400, "invalid_registration: callback_url required"));

            var ex = await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.RegisterHookAsync(new RegisterHookRequest { Owner = "x", Name = "y", Phase = "pre", CallbackUrl = "https://c/h" }));
            Assert.Equal(400, ex.StatusCode);
        }

        [Fact]
        public async Task Case44b_RegisterHook_ServersJsonInvalidRegistration_InvalidArgumentFromCode()
        {
            Server.Enqueue("POST", "/v1/hooks", Faults.Json(400, "invalid_registration", "connector: invalid hook registration: invalid hook registration: owner required"));

            var ex = await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.RegisterHookAsync(new RegisterHookRequest { Owner = "x", Name = "y", Phase = "pre", CallbackUrl = "https://c/h" }));
            Assert.Equal("invalid_registration", ex.Code);
            Assert.Contains("owner required", ex.Message);
        }

        [Theory]
        [InlineData("", "n", "pre", "https://c/h", null, null)]
        [InlineData("o", "", "pre", "https://c/h", null, null)]
        [InlineData("o", "n", "during", "https://c/h", null, null)]
        [InlineData("o", "n", "pre", "ftp://c/h", null, null)]
        [InlineData("o", "n", "pre", "/relative", null, null)]
        [InlineData("o", "n", "pre", "https://c/h", "sometimes", null)]
        [InlineData("o", "n", "pre", "https://c/h", null, -1)]
        [InlineData("o", "n", "pre", "https://c/h", null, 60001)]
        public async Task RegisterHook_InvalidRegistration_RefusedBeforeSending(string owner, string name, string phase, string url, string? failMode, int? timeoutMs)
        {
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.RegisterHookAsync(new RegisterHookRequest
            {
                Owner = owner, Name = name, Phase = phase, CallbackUrl = url, FailMode = failMode, TimeoutMs = timeoutMs,
            }));
            Assert.Empty(Server.Requests);
        }

        [Theory]
        [InlineData(new[] { "*Fetch" }, null, "Tools entry '*Fetch'")]
        [InlineData(new[] { "Bash", "Web*Fetch*" }, null, "Tools entry 'Web*Fetch*'")]
        [InlineData(null, new[] { "triage", "**" }, "Agents entry '**'")]
        [InlineData(new[] { "" }, null, "Tools holds an empty name")]
        public async Task RegisterHook_APatternTheServerCannotMatch_RefusedBeforeSending(string[]? tools, string[]? agents, string expected)
        {
            // The server matches exactly or by a trailing-'*' prefix only (hooks/registry.go globsMatch): '*Fetch' would be an
            // exact name that matches nothing, and a closed guard would guard nothing.
            var ex = await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.RegisterHookAsync(new RegisterHookRequest
            {
                Owner = "o", Name = "n", Phase = "pre", CallbackUrl = "https://c/h", Tools = tools, Agents = agents, FailMode = "closed",
            }));
            Assert.Contains(expected, ex.Message);
            Assert.Empty(Server.Requests);
        }

        [Fact]
        public async Task RegisterHook_ExactNamesAndTrailingStarPatterns_Sent()
        {
            Hook hook = await Connection.RegisterHookAsync(new RegisterHookRequest
            {
                Owner = "o", Name = "n", Phase = "pre", CallbackUrl = "https://c/h", Tools = new[] { "Bash", "Web*", "*" }, Agents = new[] { "triage" },
            });

            Assert.StartsWith("hook_", hook.Id);
            JsonAssert.Equal("[\"Bash\",\"Web*\",\"*\"]", System.Text.Json.JsonDocument.Parse(SingleRequest().BodyText).RootElement.GetProperty("tools").GetRawText());
        }

        [Fact]
        public async Task Case45_ListHooks_UnwrappedArray_NullListsStayNull()
        {
            Reply("GET", "/v1/hooks", 200,
                "{\"hooks\":[{\"id\":\"hook_a\",\"owner\":\"o\",\"name\":\"n\",\"phase\":\"pre\",\"agents\":[\"*\"],\"tools\":null,\"callback_url\":\"https://c/h\"," +
                "\"fail_mode\":\"open\",\"timeout_ms\":0,\"registered_at\":\"2026-05-19T10:00:00Z\",\"tenant\":\"\",\"priority\":5}]}");

            Hook[] hooks = await Connection.ListHooksAsync();

            RecordedRequest request = SingleRequest();
            Assert.Equal("GET", request.Method);
            Assert.Equal("/v1/hooks", request.RawTarget);
            Hook hook = Assert.Single(hooks);
            Assert.Equal("hook_a", hook.Id);
            Assert.Equal(new[] { "*" }, hook.Agents);
            Assert.Null(hook.Tools);
            Assert.Equal(0, hook.TimeoutMs);
            Assert.Equal("", hook.Tenant);
            Assert.Equal(new DateTimeOffset(2026, 5, 19, 10, 0, 0, TimeSpan.Zero), hook.RegisteredAt);
            Assert.Equal(5, hook.AdditionalProperties!["priority"].GetInt32());
        }

        [Fact]
        public async Task RegisterHook_SameOwnerAndNameAgainstFakeServer_ReplacedInPlaceWithNewId()
        {
            var request = new RegisterHookRequest { Owner = "own-replace", Name = "scan", Phase = "pre", CallbackUrl = "https://c/h", Agents = new[] { "qa*" } };
            Hook first = await Connection.RegisterHookAsync(request);
            Hook second = await Connection.RegisterHookAsync(request);

            Hook[] listed = (await Connection.ListHooksAsync()).Where(h => h.Owner == "own-replace").ToArray();

            Assert.NotEqual(first.Id, second.Id);
            Hook only = Assert.Single(listed);
            Assert.Equal(second.Id, only.Id);
            Assert.Equal(new[] { "qa*" }, only.Agents);
            Assert.Null(only.Tools);
            Assert.Equal("open", only.FailMode);
        }

        [Fact]
        public async Task Case46_DeleteHook_IdWithSpaces_EscapedOneSegment_204Accepted()
        {
            Server.Enqueue("DELETE", "/v1/hooks/hook_with spaces", Faults.Status(204));

            await Connection.DeleteHookAsync("hook_with spaces");

            RecordedRequest request = SingleRequest();
            Assert.Equal("DELETE", request.Method);
            Assert.Equal("/v1/hooks/hook_with%20spaces", request.RawTarget);
        }

        [Fact]
        public async Task Case46b_DeleteHook_ServersReply200Deleted_Accepted()
        {
            Hook hook = await Connection.RegisterHookAsync(new RegisterHookRequest { Owner = "own-del", Name = "d", Phase = "post", CallbackUrl = "https://c/h" });

            await Connection.DeleteHookAsync(hook.Id);

            Assert.DoesNotContain(Server.State.Hooks, h => h.Id == hook.Id);
        }

        [Fact]
        public async Task Case47_DeleteHook_404NoHookWithId_HookNotFoundException()
        {
            Server.Enqueue("DELETE", "/v1/hooks/hook_gone", Faults.PlainText(404, "no hook with id \"hook_gone\""));

            var ex = await Assert.ThrowsAsync<HookNotFoundException>(() => Connection.DeleteHookAsync("hook_gone"));
            Assert.Equal(404, ex.StatusCode);
            Assert.Equal("hook_gone", ex.Target);
        }

        [Fact]
        public async Task Case47b_DeleteHook_ServersJson404NotFound_HookNotFoundFromCode()
        {
            var ex = await Assert.ThrowsAsync<HookNotFoundException>(() => Connection.DeleteHookAsync("hook_never"));
            Assert.Equal("not_found", ex.Code);
        }

        [Fact]
        public async Task Case48_DeleteHook_404UpperCaseHook_HookNotFoundException()
        {
            Server.Enqueue("DELETE", "/v1/hooks/h1", Faults.PlainText(404, "No HOOK with id matches"));

            await Assert.ThrowsAsync<HookNotFoundException>(() => Connection.DeleteHookAsync("h1"));
        }

        [Fact]
        public async Task Case49_DeleteHook_404IdContainsAgent_HookNotFoundHookHasPriority()
        {
            Server.Enqueue("DELETE", "/v1/hooks/hook_agent_scan", Faults.PlainText(404, "no hook with id \"hook_agent_scan\""));

            var ex = await Assert.ThrowsAsync<HookNotFoundException>(() => Connection.DeleteHookAsync("hook_agent_scan"));
            Assert.IsNotType<AgentNotFoundException>(ex);
        }
    }
}
