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

        /// <summary>Runs <paramref name="script"/> after importing and connecting, in a runspace whose host answers with <paramref name="host"/>.</summary>
        private (Collection<PSObject> Output, HostedStreams Streams) RunWithHost(ScriptedHost host, string script)
        {
            using Runspace runspace = RunspaceFactory.CreateRunspace(host, InitialSessionState.CreateDefault2());
            runspace.Open();
            using var ps = System.Management.Automation.PowerShell.Create();
            ps.Runspace = runspace;
            ps.AddScript($"Import-Module '{PowerShellSession.ModuleManifest}' -ErrorAction Stop; Connect-Loomcycle -BaseUrl '{_fixture.Server.BaseUri}'; " + script);
            Collection<PSObject> output = ps.Invoke();
            return (output, new HostedStreams(ps.Streams.Error.ToList(), ps.Streams.Verbose.ToList()));
        }

        /// <summary>The streams, copied before the PowerShell instance is disposed.</summary>
        private sealed record HostedStreams(List<ErrorRecord> Error, List<VerboseRecord> Verbose);

        [Fact]
        public void APipedRunIsReEnteredByItsRunIdAndItsTextIsNotSentBack()
        {
            // The piped RunResult binds -RunId by property; it is not a line to send (its ToString() is the agent's reply).
            var host = new ScriptedHost("next", "exit");
            var (output, streams) = RunWithHost(host, "$r = Invoke-LoomcycleRun -Agent echo -Prompt 'first' -UserId u1 -Interactive -AsResult; $r | Enter-LoomcycleRun");

            Assert.Empty(streams.Error);
            Assert.Empty(output);
            Assert.Equal(2, host.Ui.Prompts); // the host is asked, though something came down the pipeline
            AgentRecord run = _fixture.Server.State.Agents.Last();
            Assert.Equal(new[] { "first", "next" }, _fixture.Server.State.FindInteractive(run.RunId)!.Received);
        }

        [Fact]
        public void BlankLinesBeforeTheFirstMessageAreSkipped()
        {
            var host = new ScriptedHost("", "   ", "hello", "exit");
            var (_, streams) = RunWithHost(host, "Enter-LoomcycleRun -Agent echo -UserId u1");

            Assert.Empty(streams.Error);
            Assert.Equal(4, host.Ui.Prompts);
            AgentRecord run = _fixture.Server.State.Agents.Last();
            Assert.Equal(new[] { "hello" }, _fixture.Server.State.FindInteractive(run.RunId)!.Received);
        }

        [Fact]
        public void ARunCompactedWhileParkedIsReEnteredAndTheConversationGoesOn()
        {
            // A compaction leaves the run parked with no new awaiting_input: re-entering once waited for it forever.
            var host = new ScriptedHost("after the summary", "exit");
            using Runspace runspace = RunspaceFactory.CreateRunspace(host, InitialSessionState.CreateDefault2());
            runspace.Open();
            using var ps = System.Management.Automation.PowerShell.Create();
            ps.Runspace = runspace;
            ps.AddScript($"Import-Module '{PowerShellSession.ModuleManifest}' -ErrorAction Stop; Connect-Loomcycle -BaseUrl '{_fixture.Server.BaseUri}'; " +
                "$r = Invoke-LoomcycleRun -Agent echo -Prompt 'first' -UserId u1 -Interactive -AsResult; " +
                "Send-LoomcycleInput $r.RunId 'second'; Receive-LoomcycleRun $r.RunId | Out-Null; " +
                "if ((Compress-LoomcycleRun $r.RunId).Applied -ne 'live') { throw 'not compacted' }; Enter-LoomcycleRun -RunId $r.RunId");
            IAsyncResult entering = ps.BeginInvoke();
            bool returned = entering.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(30));
            if (!returned)
            {
                ps.BeginStop(null, null); // not Stop(): a pipeline stuck where it cannot be stopped must not hang the suite
            }

            Assert.True(returned, "Enter-LoomcycleRun still waits on a parked run");
            Assert.Empty(ps.Streams.Error);
            Assert.Equal(2, host.Ui.Prompts);
            AgentRecord run = _fixture.Server.State.Agents.Last();
            Assert.Equal(new[] { "first", "second", "after the summary" }, _fixture.Server.State.FindInteractive(run.RunId)!.Received);
        }

        [Fact]
        public void ARunThatParkedAndThenEndedIsShownAndNothingIsAsked()
        {
            var host = new ScriptedHost("never read");
            var (_, streams) = RunWithHost(host,
                "$r = Invoke-LoomcycleRun -Agent echo -Prompt 'first' -UserId u1 -Interactive -AsResult; " +
                "Stop-LoomcycleAgent $r.AgentId -Force | Out-Null; " +
                "Enter-LoomcycleRun -RunId $r.RunId -Verbose");

            Assert.Empty(streams.Error);
            Assert.Equal(0, host.Ui.Prompts);
            Assert.Contains(streams.Verbose, v => v.Message.Contains("has ended", StringComparison.Ordinal));
        }

        [Fact]
        public void ARunStoppedWhileTheUserTypesEndsTheConversationWithItsError()
        {
            var host = new ScriptedHost("hello", "too late", "never read");
            host.Ui.BeforeEachRead = () =>
            {
                if (host.Ui.LinesRead == 1)
                {
                    // The run parked after "hello"; someone stops it from another shell before the next line is sent.
                    AgentRecord run = _fixture.Server.State.Agents.Last();
                    using var other = new System.Net.Http.HttpClient();
                    other.PostAsync(new Uri(_fixture.Server.BaseUri, $"v1/agents/{run.AgentId}/cancel"), null).GetAwaiter().GetResult().EnsureSuccessStatusCode();
                    Assert.True(System.Threading.SpinWait.SpinUntil(() => _fixture.Server.State.FindInteractive(run.RunId)!.Ended, TimeSpan.FromSeconds(10)));
                }
            };
            var (_, streams) = RunWithHost(host, "Enter-LoomcycleRun -Agent echo -UserId u1 -Verbose");

            ErrorRecord error = Assert.Single(streams.Error);
            Assert.Equal("NotFound,Loomcycle.PowerShell.Commands.EnterLoomcycleRunCommand", error.FullyQualifiedErrorId);
            Assert.Equal(2, host.Ui.Prompts); // not asked again after the run is gone
            Assert.Contains(streams.Verbose, v => v.Message.Contains("has ended", StringComparison.Ordinal));
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

            /// <summary>Runs before each line is read (what happens while the user types).</summary>
            public Action? BeforeEachRead { get; set; }

            public override string? ReadLine()
            {
                BeforeEachRead?.Invoke();
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
