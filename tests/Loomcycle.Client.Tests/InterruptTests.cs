using System;
using System.Linq;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>Interrupts: client.test.ts cases 38–41, adjusted by sections 16.6–16.8.</summary>
    public sealed class InterruptTests : EngineTest
    {
        public InterruptTests(ServerFixture fixture) : base(fixture) { }

        private const string Row =
            "{\"interrupt_id\":\"intr_1\",\"run_id\":\"r1\",\"kind\":\"question\",\"status\":\"pending\",\"question\":\"Deploy?\",\"options\":[\"yes\", \"no\"]," +
            "\"priority\":\"normal\",\"created_at\":\"2026-05-19T10:00:00.000000001Z\",\"expires_at\":\"0001-01-01T00:00:00Z\",\"resolved_at\":\"0001-01-01T00:00:00Z\"," +
            "\"user_id\":\"u1\",\"agent_id\":\"a1\",\"agent_name\":\"qa\",\"answer_meta\":{\"via\": \"x\"},\"escalation\":\"none\"}";

        [Fact]
        public async Task Case38_ListUserInterrupts_PendingStatusQuery_RowsParsed()
        {
            Reply("GET", "/v1/users/u1/interrupts", 200, "{\"interrupts\":[" + Row + "],\"total\":1}");

            Interrupt[] interrupts = await Connection.ListUserInterruptsAsync("u1", "pending");

            Assert.Equal("/v1/users/u1/interrupts?status=pending", SingleRequest().RawTarget);
            Interrupt i = Assert.Single(interrupts);
            Assert.Equal("intr_1", i.InterruptId);
            Assert.Equal("r1", i.RunId);
            Assert.Equal("pending", i.Status);
            Assert.Equal("[\"yes\", \"no\"]", i.Options);
            Assert.Equal("{\"via\": \"x\"}", i.AnswerMeta);
            Assert.Null(i.ExpiresAt);
            Assert.Null(i.ResolvedAt);
            Assert.Equal(new DateTimeOffset(2026, 5, 19, 10, 0, 0, TimeSpan.Zero), i.CreatedAt);
            Assert.Equal("none", i.AdditionalProperties!["escalation"].GetString());
        }

        [Fact]
        public async Task Case38b_ListUserInterrupts_NoStatus_NoQuery_ServerDefaultsToPending()
        {
            Reply("GET", "/v1/users/u1/interrupts", 200, "{\"interrupts\":[],\"total\":0}");

            Assert.Empty(await Connection.ListUserInterruptsAsync("u1"));
            Assert.Equal("/v1/users/u1/interrupts", SingleRequest().RawTarget);
        }

        [Theory]
        [InlineData("answered")]
        [InlineData("expired")]
        [InlineData("PENDING")]
        public async Task ListInterrupts_StatusOutsideTheServersVocabulary_RefusedBeforeSending(string status)
        {
            // Section 16.6: the reference client's answered/expired silently return nothing.
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.ListUserInterruptsAsync("u1", status));
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.ListRunInterruptsAsync("r1", status));
            Assert.Empty(Server.Requests);
        }

        [Theory]
        [InlineData("resolved")]
        [InlineData("timed_out")]
        [InlineData("cancelled")]
        [InlineData("declined")]
        [InlineData("all")]
        public async Task ListRunInterrupts_ServerStatuses_SentAsQuery(string status)
        {
            Reply("GET", "/v1/runs/r1/interrupts", 200, "{\"interrupts\":[],\"total\":0}");

            await Connection.ListRunInterruptsAsync("r1", status);

            Assert.Equal("/v1/runs/r1/interrupts?status=" + status, SingleRequest().RawTarget);
        }

        [Fact]
        public async Task Case39_ResolveInterrupt_PostsKindAnswerResolvedBy_ResultParsed()
        {
            Reply("POST", "/v1/runs/r1/interrupts/intr_xyz/resolve", 200, "{\"interrupt_id\":\"intr_xyz\",\"status\":\"resolved\",\"resolved_at\":\"2026-05-19T10:00:00.5Z\"}");

            InterruptResolution resolution = await Connection.ResolveInterruptAsync("r1", "intr_xyz", "yes", "operator-dashboard");

            RecordedRequest request = SingleRequest();
            Assert.Equal("POST", request.Method);
            Assert.Equal("/v1/runs/r1/interrupts/intr_xyz/resolve", request.RawTarget);
            JsonAssert.Equal("{\"kind\":\"question\",\"answer\":\"yes\",\"resolved_by\":\"operator-dashboard\"}", request.Json);
            Assert.Equal("intr_xyz", resolution.InterruptId);
            Assert.Equal("resolved", resolution.Status);
            Assert.Equal("r1", resolution.RunId);
            Assert.Equal(new DateTimeOffset(2026, 5, 19, 10, 0, 0, 500, TimeSpan.Zero), resolution.ResolvedAt);
        }

        [Fact]
        public async Task Case39b_ResolveInterrupt_ReferenceMockOkTrue_IdsFilledFromTheCall()
        {
            Reply("POST", "/v1/runs/r1/interrupts/intr_xyz/resolve", 200, "{\"ok\":true}");

            InterruptResolution resolution = await Connection.ResolveInterruptAsync("r1", "intr_xyz", "yes");

            JsonAssert.Equal("{\"kind\":\"question\",\"answer\":\"yes\"}", SingleRequest().Json);
            Assert.Equal("intr_xyz", resolution.InterruptId);
            Assert.Equal("r1", resolution.RunId);
            Assert.True(resolution.AdditionalProperties!["ok"].GetBoolean());
        }

        [Fact]
        public async Task Case39c_ResolveInterrupt_AgainstFakeServer_ResolvesThePendingRow()
        {
            InterruptRecord seeded = Server.State.AddInterrupt("r_res1", "u_res1", "Ship it?", new[] { "yes", "no" });

            InterruptResolution resolution = await Connection.ResolveInterruptAsync("r_res1", seeded.InterruptId, "yes", "tests");

            Assert.Equal("resolved", resolution.Status);
            Assert.Equal("yes", Server.State.FindInterrupt(seeded.InterruptId)!.Answer);
            Interrupt listed = Assert.Single(await Connection.ListUserInterruptsAsync("u_res1", "resolved"));
            Assert.Equal("tests", listed.ResolvedBy);
            Assert.NotNull(listed.ResolvedAt);
        }

        [Fact]
        public async Task Case40_ListRunInterrupts_UnknownRun_EmptyListNot404()
        {
            // Section 16.7: the server never answers 404 here.
            Interrupt[] interrupts = await Connection.ListRunInterruptsAsync("missing-run");

            Assert.Empty(interrupts);
            Assert.Equal("/v1/runs/missing-run/interrupts", SingleRequest().RawTarget);
        }

        [Fact]
        public async Task Case41_ResolveInterrupt_404InterruptNotFound_NotFoundException()
        {
            var ex = await Assert.ThrowsAsync<NotFoundException>(() => Connection.ResolveInterruptAsync("r1", "intr_missing", "yes"));

            Assert.Equal(typeof(NotFoundException), ex.GetType());
            Assert.Equal(404, ex.StatusCode);
            Assert.Equal("interrupt not found\n", ex.BodyText);
        }

        [Fact]
        public async Task ResolveInterrupt_AnswerNotAnOption422_InvalidArgumentNotSnapshotVersion()
        {
            InterruptRecord seeded = Server.State.AddInterrupt("r_res2", "u_res2", "Ship it?", new[] { "yes", "no" });

            var ex = await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.ResolveInterruptAsync("r_res2", seeded.InterruptId, "maybe"));

            Assert.Equal(422, ex.StatusCode);
            Assert.Contains("is not one of the declared options", ex.Message);
        }

        [Fact]
        public async Task ResolveInterrupt_AlreadyResolved409_BaseErrorNotSessionBusy()
        {
            InterruptRecord seeded = Server.State.AddInterrupt("r_res3", "u_res3", "Free text?");
            await Connection.ResolveInterruptAsync("r_res3", seeded.InterruptId, "first");

            var ex = await Assert.ThrowsAsync<LoomcycleException>(() => Connection.ResolveInterruptAsync("r_res3", seeded.InterruptId, "second"));

            Assert.Equal(typeof(LoomcycleException), ex.GetType());
            Assert.Equal(409, ex.StatusCode);
        }

        [Fact]
        public async Task ResolveInterrupt_Expired410_BaseError()
        {
            InterruptRecord seeded = Server.State.AddInterrupt("r_res4", "u_res4", "Late?", null, DateTimeOffset.UtcNow.AddMinutes(-1));

            var ex = await Assert.ThrowsAsync<LoomcycleException>(() => Connection.ResolveInterruptAsync("r_res4", seeded.InterruptId, "x"));

            Assert.Equal(typeof(LoomcycleException), ex.GetType());
            Assert.Equal(410, ex.StatusCode);
            Assert.Contains("interrupt expired", ex.Message);
        }

        [Fact]
        public async Task ResolveInterrupt_NullAnswer_RefusedBeforeSending()
        {
            await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.ResolveInterruptAsync("r1", "intr_1", null!));
            Assert.Empty(Server.Requests);
        }
        [Fact]
        public async Task ListRunInterrupts_RowsParsedFromTheFakeServer_AllStatusesWithoutQuery()
        {
            InterruptRecord pending = Server.State.AddInterrupt("r_list1", "u_list1", "Which?", new[] { "a", "b" });
            InterruptRecord answered = Server.State.AddInterrupt("r_list1", "u_list1", "Free?");
            await Connection.ResolveInterruptAsync("r_list1", answered.InterruptId, "done", "tests");

            Interrupt[] all = await Connection.ListRunInterruptsAsync("r_list1");
            Interrupt[] onlyPending = await Connection.ListRunInterruptsAsync("r_list1", "pending");

            Assert.Equal("/v1/runs/r_list1/interrupts", Server.Requests[1].RawTarget);
            Assert.Equal(2, all.Length);
            Interrupt p = Assert.Single(onlyPending);
            Assert.Equal(pending.InterruptId, p.InterruptId);
            Assert.Equal("[\"a\",\"b\"]", p.Options);
            Assert.Null(p.ResolvedAt);
            Interrupt r = all.Single(i => i.InterruptId == answered.InterruptId);
            Assert.Equal("resolved", r.Status);
            Assert.Equal("done", r.Answer);
            Assert.NotNull(r.ResolvedAt);
            Assert.Null(r.Options);
        }
    }
}
