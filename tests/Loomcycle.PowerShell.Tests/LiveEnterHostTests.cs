using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using System.Security;
using System.Text;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>Enter-LoomcycleRun reading its lines from the host (a scripted host UI in a hosted runspace).</summary>
    public sealed class LiveEnterHostTests : IClassFixture<ServerAndSession>
    {
        private readonly ServerAndSession _fixture;

        public LiveEnterHostTests(ServerAndSession fixture)
        {
            _fixture = fixture;
            _fixture.Server.Reset();
        }

        [Fact]
        public void EnterReadsEachLineFromTheHostUntilExit()
        {
            var host = new ScriptedHost("hello there", "and again", "exit", "never read");
            using Runspace runspace = RunspaceFactory.CreateRunspace(host, InitialSessionState.CreateDefault2());
            runspace.Open();
            using var ps = System.Management.Automation.PowerShell.Create();
            ps.Runspace = runspace;
            ps.AddScript($"Import-Module '{PowerShellSession.ModuleManifest}' -ErrorAction Stop; Connect-Loomcycle -BaseUrl '{_fixture.Server.BaseUri}'; Enter-LoomcycleRun -Agent echo -UserId u1");
            var output = ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.Empty(output);
            Assert.Equal(3, host.Ui.LinesRead);                      // the first message, one reply, exit
            Assert.Equal(3, host.Ui.Prompts);
            string shown = string.Concat(ps.Streams.Information.Select(i => i.MessageData is HostInformationMessage m ? m.Message : i.MessageData?.ToString()));
            Assert.Contains("echo: hello there", shown);
            Assert.Contains("echo: and again", shown);
            AgentRecord run = _fixture.Server.State.Agents.Last();
            InteractiveRun live = _fixture.Server.State.FindInteractive(run.RunId)!;
            Assert.Equal(new[] { "hello there", "and again" }, live.Received);
            Assert.True(live.Parked); // leaving keeps the run
        }

        private sealed class ScriptedHost : PSHost
        {
            public ScriptedHost(params string[] lines) => Ui = new ScriptedUi(lines);

            public ScriptedUi Ui { get; }
            public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
            public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
            public override Guid InstanceId { get; } = Guid.NewGuid();
            public override string Name => "ScriptedHost";
            public override PSHostUserInterface UI => Ui;
            public override Version Version => new Version(1, 0);
            public override void EnterNestedPrompt() => throw new NotSupportedException();
            public override void ExitNestedPrompt() => throw new NotSupportedException();
            public override void NotifyBeginApplication() { }
            public override void NotifyEndApplication() { }
            public override void SetShouldExit(int exitCode) { }
        }

        private sealed class ScriptedUi : PSHostUserInterface
        {
            private readonly Queue<string> _lines;

            public ScriptedUi(IEnumerable<string> lines) => _lines = new Queue<string>(lines);

            public int LinesRead { get; private set; }
            public int Prompts { get; private set; }
            public StringBuilder Written { get; } = new StringBuilder();
            public override PSHostRawUserInterface? RawUI => null;

            public override string? ReadLine()
            {
                LinesRead++;
                return _lines.Count > 0 ? _lines.Dequeue() : null;
            }

            public override void Write(string value)
            {
                if (value == "you> ") Prompts++;
                Written.Append(value);
            }

            public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Write(value);
            public override void WriteLine(string value) => Written.AppendLine(value);
            public override void WriteErrorLine(string value) => Written.AppendLine(value);
            public override void WriteDebugLine(string message) { }
            public override void WriteProgress(long sourceId, ProgressRecord record) { }
            public override void WriteVerboseLine(string message) { }
            public override void WriteWarningLine(string message) { }
            public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw new NotSupportedException();
            public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotSupportedException();
            public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException();
            public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) => throw new NotSupportedException();
            public override SecureString ReadLineAsSecureString() => throw new NotSupportedException();
        }
    }
}
