using System;
using System.Threading.Tasks;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>POST /v1/runs:batch: spawns the server would refuse are refused before anything is sent.</summary>
    public sealed class BatchSpawnTests : EngineTest
    {
        public BatchSpawnTests(ServerFixture fixture) : base(fixture) { }

        [Theory]
        [InlineData("alice@example.com", null, "Spawn 1: UserId 'alice@example.com' is not valid")]
        [InlineData(null, "a b", "Spawn 1: AgentId 'a b' is not valid")]
        public async Task ASpawnWithAnIdentifierTheServerRefusesFailsTheCallBeforeItIsSent(string? userId, string? agentId, string message)
        {
            var spawns = new[]
            {
                new BatchSpawn { Agent = "echo", Prompt = "one" },
                new BatchSpawn { Agent = "echo", Prompt = "two", UserId = userId, AgentId = agentId },
            };

            var ex = await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.SpawnBatchAsync(spawns));

            Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
            Assert.Equal(userId ?? agentId, ex.Target);
            Assert.Empty(Server.Requests);
        }

        [Fact]
        public void CheckBatchSpawnNamesTheSpawnAsTheCallerAsks()
        {
            var ex = Assert.Throws<InvalidArgumentException>(() => LoomcycleConnection.CheckBatchSpawn(new BatchSpawn { Agent = " ", Prompt = "p" }, "Input 17"));
            Assert.Equal("Input 17: Agent is required.", ex.Message);
            ex = Assert.Throws<InvalidArgumentException>(() => LoomcycleConnection.CheckBatchSpawn(new BatchSpawn { Agent = "echo" }, "Input 3"));
            Assert.Equal("Input 3: a Prompt is required.", ex.Message);

            LoomcycleConnection.CheckBatchSpawn(new BatchSpawn { Agent = "echo", SystemPrompt = "s", UserId = "u_1-A", AgentId = new string('a', 128) }, "Input 0");
            Assert.Throws<InvalidArgumentException>(() => LoomcycleConnection.CheckBatchSpawn(new BatchSpawn { Agent = "echo", Prompt = "p", AgentId = new string('a', 129) }, "Input 0"));
        }
    }
}
