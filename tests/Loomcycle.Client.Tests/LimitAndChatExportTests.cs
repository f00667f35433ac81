using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>Engine calls the cmdlets use instead of their own logic: one budget's lookup, and a chat exported to a file.</summary>
    public sealed class LimitAndChatExportTests : EngineTest
    {
        public LimitAndChatExportTests(ServerFixture fixture) : base(fixture) { }

        [Fact]
        public async Task GetLimitFindsOneBudgetAndRefusesAnAmbiguousOrInvalidOne()
        {
            Server.State.Clear();
            Server.State.AddLimit(new LimitRecord { Scope = "user", ScopeId = "alice", SoftLimit = 800, HardLimit = 1000 });
            Server.State.AddLimit(new LimitRecord { TenantId = "other", Scope = "user", ScopeId = "alice", HardLimit = 5 });
            LoomcycleConnection connection = Connection;

            BudgetLimit? mine = await connection.GetLimitAsync("user", "alice", "default");
            BudgetLimit? none = await connection.GetLimitAsync("tenant", null, "default");
            var ambiguous = await Assert.ThrowsAsync<InvalidArgumentException>(() => connection.GetLimitAsync("user", "alice"));
            Assert.Equal(800, mine?.SoftLimit);
            Assert.Null(none);
            Assert.Equal("alice", ambiguous.Target);
            Assert.Contains("tenantId", ambiguous.Message);
            Assert.DoesNotContain("-TenantId", ambiguous.Message);
            Assert.Equal(3, Server.Requests.Count);

            Server.ClearRequests();
            Assert.Equal("user", (await Assert.ThrowsAsync<InvalidArgumentException>(() => connection.GetLimitAsync("user", null))).Target);
            InvalidArgumentException extraId = Assert.Throws<InvalidArgumentException>(() => LoomcycleConnection.CheckLimitScope("tenant", "bob"));
            Assert.Equal("bob", extraId.Target);
            Assert.DoesNotContain("-ScopeId", extraId.Message);
            Assert.Equal("team", Assert.Throws<InvalidArgumentException>(() => LoomcycleConnection.CheckLimitScope("team", null)).Target);
            LoomcycleConnection.CheckLimitScope("user", "alice");
            Assert.Empty(Server.Requests);
        }

        [Fact]
        public async Task ChatExportToFileWritesUtf8AndRefusesAnExistingFileBeforeSending()
        {
            Server.State.Clear();
            SessionRecord session = Server.State.AddSession("s_file", agent: "qa");
            Server.State.AppendTranscript(session, "r1", "text", Encoding.UTF8.GetBytes("{\"type\":\"text\",\"text\":\"Grüße\"}"));
            DirectoryInfo folder = Directory.CreateTempSubdirectory("lc-chat-engine-");
            try
            {
                string path = Path.Combine(folder.FullName, "chat.md");
                FileInfo written = await Connection.ExportChatToFileAsync("s_file", path, overwrite: false, format: "conversation");
                Assert.Equal(path, written.FullName);
                Assert.True(written.Exists);
                byte[] bytes = File.ReadAllBytes(path);
                Assert.NotEqual(0xEF, bytes[0]); // no BOM
                Assert.Contains("Grüße", Encoding.UTF8.GetString(bytes));

                Server.ClearRequests();
                var exists = await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.ExportChatToFileAsync("s_file", path, overwrite: false));
                string noFolder = Path.Combine(folder.FullName, "missing", "chat.md");
                var missing = await Assert.ThrowsAsync<InvalidArgumentException>(() => Connection.ExportChatToFileAsync("s_file", noFolder, overwrite: true));
                Assert.Equal(path, exists.Target);
                Assert.Equal(Path.Combine(folder.FullName, "missing"), missing.Target);
                Assert.Empty(Server.Requests);

                FileInfo replaced = await Connection.ExportChatToFileAsync("s_file", path, overwrite: true);
                Assert.StartsWith("#", File.ReadAllText(replaced.FullName));
                Assert.Single(folder.GetFiles()); // no .partial left behind
            }
            finally
            {
                folder.Delete(recursive: true);
            }
        }
    }
}
