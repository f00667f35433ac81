using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>Get-, Rename-, Set- and Export-LoomcycleChat over POST /v1/_history.</summary>
    public sealed class DataChatCmdletTests : IClassFixture<ServerAndSession>
    {
        private readonly ServerAndSession _fixture;

        public DataChatCmdletTests(ServerAndSession fixture)
        {
            _fixture = fixture;
            _fixture.Server.Reset();
        }

        private FakeLoomcycleServer Server => _fixture.Server;

        private void Seed()
        {
            SessionRecord one = Server.State.AddSession("s_one", agent: "qa", userId: "u1");
            Server.State.AppendTranscript(one, "r1", "text", Encoding.UTF8.GetBytes("{\"type\":\"text\",\"text\":\"Hello there\"}"));
            Server.State.AddSession("s_two", agent: "qa");
            Server.State.ChatMetaFor("s_one").Title = "Invoice questions";
        }

        [Fact]
        public void ChatsAreListedSearchedAndGot()
        {
            Seed();
            var result = _fixture.Session.Run("Get-LoomcycleChat -Scope tenant; Get-LoomcycleChat -Search invoice; Get-LoomcycleChat s_two").ThrowIfErrors();

            Assert.Equal(Enumerable.Repeat("POST /v1/_history", 3), Server.Wire());
            Assert.Equal("{\"op\":\"list\",\"scope\":\"tenant\",\"limit\":500}", Server.Requests[0].BodyText);
            Assert.Equal("{\"op\":\"search\",\"query\":\"invoice\",\"limit\":500}", Server.Requests[1].BodyText);
            Assert.Equal("{\"op\":\"get\",\"session_id\":\"s_two\"}", Server.Requests[2].BodyText);
            Assert.Equal(new[] { "s_one", "s_two" }, result.Output.Take(2).Select(o => o.Str("SessionId")).OrderBy(x => x, StringComparer.Ordinal));
            Assert.Equal(new[] { "s_one", "s_two" }, result.Output.Skip(2).Select(o => o.Str("SessionId")));
            Assert.All(result.Output, o => Assert.Equal("Loomcycle.Chat", o.TypeName()));
            Assert.Equal("Invoice questions", result.Output[2].Str("Title"));
            Assert.Equal(4, result.Output.Count);
            Assert.Equal("tenant", result.Output[0].Str("Scope"));
            Assert.Equal(1, result.Output.First(o => o.Str("SessionId") == "s_one").Prop("RunCount"));
        }

        [Fact]
        public void ListingReadsEveryPage()
        {
            for (int i = 0; i < 501; i++)
            {
                Server.State.AddSession("s_" + i.ToString("D3"));
            }

            var result = _fixture.Session.Run("Get-LoomcycleChat").ThrowIfErrors();
            Assert.Equal(501, result.Output.Count);
            Assert.Equal(2, Server.Requests.Count);
            Assert.Equal("{\"op\":\"list\",\"limit\":500,\"offset\":500}", Server.Requests[1].BodyText);
        }

        [Fact]
        public void ArchivingEveryListedChatInOnePipelineReachesThemAll()
        {
            // The listing is paged by offset over unarchived chats: archiving page 1 as it streamed made page 2 start past
            // the chats that moved up, and they were never seen.
            for (int i = 0; i < 501; i++)
            {
                Server.State.AddSession("s_" + i.ToString("D3"));
            }

            _fixture.Session.Run("Get-LoomcycleChat | Set-LoomcycleChat -Archived $true").ThrowIfErrors();

            Assert.Empty(_fixture.Session.Run("Get-LoomcycleChat").ThrowIfErrors().Output);
            Assert.Equal(501, _fixture.Session.Run("Get-LoomcycleChat -IncludeArchived").ThrowIfErrors().Output.Count);
        }

        [Fact]
        public void RenamePinAndArchive()
        {
            Seed();
            var result = _fixture.Session.Run(
                "Rename-LoomcycleChat s_two 'Release notes' -PassThru; Get-LoomcycleChat s_two | Set-LoomcycleChat -Pinned $true -Archived $true -PassThru; Get-LoomcycleChat; Get-LoomcycleChat -IncludeArchived -Pinned").ThrowIfErrors();

            Assert.Equal("{\"op\":\"rename\",\"session_id\":\"s_two\",\"title\":\"Release notes\"}", Server.Requests[0].BodyText);
            Assert.Equal("{\"op\":\"pin\",\"session_id\":\"s_two\",\"scope\":\"user\",\"pinned\":true}", Server.Requests[2].BodyText);
            Assert.Equal("{\"op\":\"archive\",\"session_id\":\"s_two\",\"scope\":\"user\",\"archived\":true}", Server.Requests[3].BodyText);
            Assert.Equal("Release notes", result.Output[0].Str("Title"));
            Assert.Equal((true, true), ((bool)result.Output[1].Prop("Pinned")!, (bool)result.Output[1].Prop("Archived")!));
            Assert.Equal(new[] { "s_one", "s_two" }, result.Output.Skip(2).Select(o => o.Str("SessionId")).OrderBy(x => x, StringComparer.Ordinal));
            Assert.Contains("\"pinned_only\":true,\"include_archived\":true", Server.Requests.Last().BodyText);
        }

        [Fact]
        public void AnUnknownChatIsNotFoundAndNothingToChangeIsRefused()
        {
            var result = _fixture.Session.Run("Rename-LoomcycleChat s_gone x; Set-LoomcycleChat s_gone; Get-LoomcycleChat s_gone -Scope galaxy");
            var errors = result.AllErrors.ToList();
            Assert.Equal(3, errors.Count);
            CmdletTestHelpers.AssertError(errors[0], "NotFound", "RenameLoomcycleChatCommand", ErrorCategory.ObjectNotFound, "s_gone");
            Assert.Equal("tool_refused", errors[0].ExceptionProperty("Code"));
            Assert.Equal(422, errors[0].ExceptionProperty("StatusCode"));
            CmdletTestHelpers.AssertError(errors[1], "InvalidArgument", "SetLoomcycleChatCommand", ErrorCategory.InvalidArgument, "s_gone");
            Assert.StartsWith("ParameterArgumentValidationError", errors[2].FullyQualifiedErrorId);
            Assert.Single(Server.Requests);
        }

        [Fact]
        public void ExportWritesMarkdownToAFileOrAFolder()
        {
            Seed();
            string folder = Path.Combine(Path.GetTempPath(), "lc-chat-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                string file = Path.Combine(folder, "one.md");
                var result = _fixture.Session.Run($"Export-LoomcycleChat s_one -Path '{file}'; Get-LoomcycleChat -Scope tenant | Export-LoomcycleChat -Path '{folder}' -Format Conversation; Export-LoomcycleChat s_one -Path '{file}'; Export-LoomcycleChat s_one");

                Assert.Equal("{\"op\":\"get\",\"session_id\":\"s_one\",\"format\":\"markdown\"}", Server.Requests[0].BodyText);
                Assert.Equal(4, result.Output.Count); // three files and one text
                string markdown = File.ReadAllText(file);
                Assert.StartsWith("# Invoice questions", markdown);
                Assert.Contains("Hello there", markdown);
                Assert.Equal("## text\n\nHello there\n\n", File.ReadAllText(Path.Combine(folder, "s_one.md")));
                Assert.True(File.Exists(Path.Combine(folder, "s_two.md")));
                ErrorRecord exists = Assert.Single(result.AllErrors);
                CmdletTestHelpers.AssertError(exists, "InvalidArgument", "ExportLoomcycleChatCommand", ErrorCategory.InvalidArgument, file);
                Assert.StartsWith("# Invoice questions", result.Output.Last().ToString());
                Assert.Empty(Directory.GetFiles(folder, "*.partial"));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
