using System;
using System.Linq;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>health (GET /healthz) and listUsers (GET /v1/_users): client.test.ts cases 16–17, section 16.4.</summary>
    public sealed class HealthAndUsersTests : EngineTest
    {
        public HealthAndUsersTests(ServerFixture fixture) : base(fixture) { }

        [Fact]
        public async Task Case16_Health_GetsHealthzWithoutV1AndWithoutToken()
        {
            Reply("GET", "/healthz", 200, "{\"ok\":true,\"commit\":\"abc\",\"built\":\"2026-05-19\",\"uptime_seconds\":42,\"replicas\":[{\"id\":\"r1\"}]}");
            LoomcycleConnection connection = Connect("health-canary-token-77");

            Health health = await connection.GetHealthAsync();

            RecordedRequest request = SingleRequest();
            Assert.Equal("GET", request.Method);
            Assert.Equal("/healthz", request.RawTarget);
            Assert.Null(request.Header("Authorization")); // /healthz needs no token; it is not sent there
            Assert.True(health.Ok);
            Assert.Equal("abc", health.Commit);
            Assert.Equal("2026-05-19", health.Built);
            Assert.Equal(42, health.UptimeSeconds);
            Assert.Equal(TimeSpan.FromSeconds(42), health.Uptime);
            Assert.Equal(Server.BaseUri, health.BaseUri);
            Assert.Equal("[{\"id\":\"r1\"}]", health.AdditionalProperties!["replicas"].GetRawText());
        }

        [Fact]
        public async Task Case16b_Health_OldServerOnlyOk_NoTrailingNewline_OtherFieldsNull()
        {
            Server.Enqueue("GET", "/healthz", Faults.Status(200, "application/json", "{\"ok\":true}"));

            Health health = await Connection.GetHealthAsync();

            Assert.True(health.Ok);
            Assert.Null(health.Version);
            Assert.Null(health.Commit);
            Assert.Null(health.UptimeSeconds);
            Assert.Null(health.Uptime);
            Assert.Null(health.AdditionalProperties);
        }

        [Fact]
        public async Task Health_AgainstFakeNewServer_VersionAndMetricsFlag()
        {
            Health health = await Connection.GetHealthAsync();

            Assert.True(health.Ok);
            Assert.Equal(Server.Options.Version, health.Version);
            Assert.NotNull(health.MetricsEnabled);
        }

        [Fact]
        public async Task Case17_ListUsers_UnwrapsUsers_ZeroTimeIsNull()
        {
            Reply("GET", "/v1/_users", 200,
                "{\"users\":[{\"user_id\":\"u1\",\"running_count\":1,\"total_count\":5,\"last_started_at\":\"2026-05-19T08:00:00.5Z\"}," +
                "{\"user_id\":\"u2\",\"running_count\":0,\"total_count\":0,\"last_started_at\":\"0001-01-01T00:00:00Z\",\"registered\":true,\"display_name\":\"Two\",\"access_mode\":\"isolated\",\"status\":\"active\",\"quota\":7}]}");

            User[] users = await Connection.ListUsersAsync();

            Assert.Equal("/v1/_users", SingleRequest().RawTarget);
            Assert.Equal(2, users.Length);
            Assert.Equal("u1", users[0].UserId);
            Assert.Equal(1, users[0].RunningCount);
            Assert.Equal(5, users[0].TotalCount);
            Assert.Equal(new DateTimeOffset(2026, 5, 19, 8, 0, 0, 500, TimeSpan.Zero), users[0].LastStartedAt);
            Assert.Null(users[0].Registered);
            Assert.Null(users[1].LastStartedAt);
            Assert.True(users[1].Registered);
            Assert.Equal("Two", users[1].DisplayName);
            Assert.Equal("isolated", users[1].AccessMode);
            Assert.Equal(7, users[1].AdditionalProperties!["quota"].GetInt32());
        }

        [Fact]
        public async Task ListUsers_NoStore503_UnavailableWithCode()
        {
            Server.Enqueue("GET", "/v1/_users", Faults.Json(503, "store_unavailable", "store not configured; user listing requires a persistent store"));

            var ex = await Assert.ThrowsAsync<UnavailableException>(() => Connection.ListUsersAsync());

            Assert.Equal("store_unavailable", ex.Code);
            Assert.Equal(503, ex.StatusCode);
        }

        [Fact]
        public async Task ListUsers_NullList_EmptyArray()
        {
            Reply("GET", "/v1/_users", 200, "{\"users\":null}");

            Assert.Empty(await Connection.ListUsersAsync());
        }
    }
}
