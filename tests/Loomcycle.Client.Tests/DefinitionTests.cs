using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>The definition engine: the comparer by meaning, the typed refusal, and one round trip through the fake.</summary>
    public sealed class DefinitionTests : EngineTest
    {
        public DefinitionTests(ServerFixture fixture) : base(fixture) { }

        [Theory]
        [InlineData("{\"a\":1,\"b\":\"x\"}", "{\"b\":\"x\",\"a\":1.0,\"derived\":true}", "")]
        [InlineData("{\"a\":\"\",\"b\":0,\"c\":false,\"d\":[],\"e\":{},\"f\":null,\"g\":{\"h\":\"\"}}", "{}", "")]
        [InlineData("{\"a\":1}", "{\"a\":2}", "a")]
        [InlineData("{\"a\":{\"b\":[1,2]}}", "{\"a\":{\"b\":[2,1]}}", "a.b")]
        [InlineData("{\"a\":{\"b\":\"x\"}}", "{\"a\":{\"b\":\"x\",\"c\":\"derived\"}}", "")]
        [InlineData("{\"a\":\"x\",\"new\":\"y\"}", "{\"a\":\"x\"}", "new")]
        [InlineData("{\"a\":\"1\"}", "{\"a\":1}", "a")]
        [InlineData("{\"a\":true}", null, "(definition)")]
        public void ComparesByMeaningOnlyTheFieldsTheFileSets(string desired, string? stored, string differences)
        {
            Assert.Equal(differences, string.Join(",", DefinitionComparer.Differences(desired, stored)));
            Assert.Equal(differences.Length == 0, DefinitionComparer.AreEquivalent(desired, stored));
        }

        [Fact]
        public void ToolRefusedKeepsTheToolsMessageAndNameApartFromBadRequestAndInternal()
        {
            var refused = Assert.IsType<ToolRefusedException>(ErrorClassifier.Classify(422, null,
                "{\"code\":\"tool_refused\",\"error\":\"create: name \\\"x\\\" matches a static cfg.Agents entry\",\"tool\":\"AgentDef\"}\n", ApiArea.Definition));
            Assert.Equal("create: name \"x\" matches a static cfg.Agents entry", refused.ToolMessage);
            Assert.Equal("AgentDef", refused.Tool);
            Assert.Equal(422, refused.StatusCode);
            Assert.IsType<InvalidArgumentException>(ErrorClassifier.Classify(400, null, "{\"code\":\"bad_request\",\"error\":\"body is not valid JSON\"}\n", ApiArea.Definition));
            LoomcycleException internalError = ErrorClassifier.Classify(500, null, "{\"code\":\"internal\",\"error\":\"connector: no tool\"}\n", ApiArea.Definition);
            Assert.Equal(typeof(LoomcycleException), internalError.GetType());
            Assert.Equal("internal", internalError.Code);
        }

        [Fact]
        public async Task CreateGetListAndNamesRoundTrip()
        {
            Server.State.Clear();
            LoomcycleConnection connection = Connection;
            DefinitionVersion created = await connection.NewDefinitionAsync(DefinitionKind.Schedule, "nightly", "{\"schedule\":\"0 2 * * *\",\"enabled\":true}");
            DefinitionVersion got = await connection.GetDefinitionAsync(DefinitionKind.Schedule, created.DefId);
            DefinitionVersion[] versions = await connection.GetDefinitionVersionsAsync(DefinitionKind.Schedule, "nightly");
            DefinitionSummary[] names = await connection.GetDefinitionSummariesAsync(DefinitionKind.Schedule);

            Assert.Equal(DefinitionKind.Schedule, got.Kind);
            Assert.Equal("{\"enabled\":true,\"schedule\":\"0 2 * * *\"}", got.Definition);
            Assert.Equal(created.DefId, Assert.Single(versions).DefId);
            Assert.Equal(created.DefId, Assert.Single(names).ActiveDefId);
            await Assert.ThrowsAsync<InvalidArgumentException>(() => connection.PublishDefinitionAsync(DefinitionKind.Schedule, created.DefId));
            await Assert.ThrowsAsync<InvalidArgumentException>(() => connection.InvokeDefinitionToolAsync(DefinitionKind.Agent, "{\"name\":\"no op\"}"));
            Assert.Equal(new[] { "POST /v1/_scheduledef", "POST /v1/_scheduledef", "POST /v1/_scheduledef", "GET /v1/_scheduledef/names" },
                Server.Requests.Skip(Server.Requests.Count - 4).Select(r => r.Method + " " + r.RawTarget));
        }
        [Fact]
        public async Task ActiveVersionAndLineageMarkTheActiveVersion()
        {
            Server.State.Clear();
            LoomcycleConnection connection = Connection;
            DefinitionRecord v1 = Server.State.AddDefinition("skilldef", "s", new JsonObject { ["body"] = "1" }, "seeded", "", true, "sha256:1");
            DefinitionRecord v2 = Server.State.AddDefinition("skilldef", "s", new JsonObject { ["body"] = "2" }, "seeded", "", false, "sha256:2");

            DefinitionVersion active = await connection.GetActiveDefinitionAsync(DefinitionKind.Skill, "s");
            DefinitionVersion[] lineage = await connection.GetDefinitionLineageAsync(DefinitionKind.Skill, "s");
            var missing = await Assert.ThrowsAsync<NotFoundException>(() => connection.GetActiveDefinitionAsync(DefinitionKind.Skill, "nope"));

            Assert.Equal(v1.DefId, active.DefId);
            Assert.Equal(true, active.IsActive);
            Assert.Equal(DefinitionKind.Skill, active.Kind);
            Assert.Equal(new[] { v2.DefId + "=False", v1.DefId + "=True" }, lineage.Select(v => v.DefId + "=" + v.IsActive));
            Assert.Equal("nope", missing.Target);
        }

        [Fact]
        public void KindRefusalsSayWhatIsWrongWithoutPowerShellAdvice()
        {
            // The engine names the kind and the server's operation; the cmdlets add the advice in their own parameters.
            var refusals = new System.Action[]
            {
                () => DefinitionKinds.RequirePromote(DefinitionKind.Schedule),
                () => DefinitionKinds.RequireDelete(DefinitionKind.Agent, false),
                () => DefinitionKinds.RequireDelete(DefinitionKind.Team, true),
                () => DefinitionKinds.RequireRetire(DefinitionKind.Volume),
                () => DefinitionKinds.RequireVerify(DefinitionKind.Webhook),
            };
            foreach (System.Action refuse in refusals)
            {
                string message = Assert.Throws<InvalidArgumentException>(refuse).Message;
                Assert.DoesNotMatch(@"(^|\s|\()-[A-Z][a-zA-Z]+|[A-Z][a-z]+-Loomcycle", message);
            }

            Assert.Contains("Volume definitions have no retire operation", Assert.Throws<InvalidArgumentException>(() => DefinitionKinds.RequireRetire(DefinitionKind.Volume)).Message);
        }

        [Fact]
        public async Task KindChecksRefuseBeforeSendingAndNameTheKind()
        {
            LoomcycleConnection connection = Connection;
            Assert.Equal("Schedule", Assert.Throws<InvalidArgumentException>(() => DefinitionKinds.RequirePromote(DefinitionKind.Schedule)).Target);
            Assert.Contains("no delete operation", Assert.Throws<InvalidArgumentException>(() => DefinitionKinds.RequireDelete(DefinitionKind.Agent, false)).Message);
            Assert.Contains("no purge operation", Assert.Throws<InvalidArgumentException>(() => DefinitionKinds.RequireDelete(DefinitionKind.Team, true)).Message);
            Assert.Equal("Volume", Assert.Throws<InvalidArgumentException>(() => DefinitionKinds.RequireRetire(DefinitionKind.Volume)).Target);
            Assert.Equal("Webhook", Assert.Throws<InvalidArgumentException>(() => DefinitionKinds.RequireVerify(DefinitionKind.Webhook)).Target);
            DefinitionKinds.RequirePromote(DefinitionKind.Team);
            DefinitionKinds.RequireDelete(DefinitionKind.Volume, true);
            DefinitionKinds.RequireRetire(DefinitionKind.Schedule);
            DefinitionKinds.RequireVerify(DefinitionKind.McpServer);

            await Assert.ThrowsAsync<InvalidArgumentException>(() => connection.RetireDefinitionAsync(DefinitionKind.Credential, "def_x"));
            await Assert.ThrowsAsync<InvalidArgumentException>(() => connection.TestDefinitionAsync(DefinitionKind.Webhook, "w", null));
            await Assert.ThrowsAsync<InvalidArgumentException>(() => connection.GetActiveDefinitionAsync(DefinitionKind.Volume, "v"));
            await Assert.ThrowsAsync<InvalidArgumentException>(() => connection.GetDefinitionLineageAsync(DefinitionKind.Credential, "c"));
            Assert.Empty(Server.Requests);
        }

        [Fact]
        public async Task TestingAVersionReadsItOnlyWhenNameOrHashIsMissing()
        {
            Server.State.Clear();
            LoomcycleConnection connection = Connection;
            DefinitionVersion created = await connection.NewDefinitionAsync(DefinitionKind.Agent, "verify-me", "{\"model\":\"m\"}");
            Server.ClearRequests();

            DefinitionVerification byId = await connection.TestDefinitionVersionAsync(DefinitionKind.Agent, created.DefId);
            DefinitionVerification given = await connection.TestDefinitionVersionAsync(DefinitionKind.Agent, created.DefId, "verify-me", created.ContentSha256);

            Assert.True(byId.Matches);
            Assert.Equal(created.ContentSha256, byId.ContentSha256);
            Assert.True(given.Matches);
            Assert.Equal(new[] { "get", "verify", "verify" }, Server.Requests.Select(r => JsonNode.Parse(r.BodyText)!["op"]!.GetValue<string>()));
            await Assert.ThrowsAsync<InvalidArgumentException>(() => connection.TestDefinitionVersionAsync(DefinitionKind.Webhook, created.DefId));
            Assert.Equal(3, Server.Requests.Count);
        }
    }
}