using System;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    public sealed class RunStreamingTests : IClassFixture<ServerAndSession>
    {
        private readonly ServerAndSession _fixture;

        public RunStreamingTests(ServerAndSession fixture)
        {
            _fixture = fixture;
        }

        [Fact]
        public void EventsReachThePipelineAsObjectsInServerOrder()
        {
            var result = _fixture.Session.Run("Invoke-LoomcycleRun -Agent echo -Prompt 'hello there world'");
            result.ThrowIfErrors();
            var types = result.Output.Select(o => o.Str("Type")).ToList();
            Assert.Equal(new[] { "session", "agent", "started" }, types.Take(3));
            Assert.Equal("done", types.Last());
            Assert.All(result.Output, o => Assert.Equal("Loomcycle.RunEvent", o.TypeName()));
            string text = string.Concat(result.Output.Where(o => o.Str("Type") == "text").Select(o => o.Str("Text")));
            Assert.Contains("hello there world", text);
            var agentFrame = result.Output.Single(o => o.Str("Type") == "agent");
            Assert.StartsWith("a_", agentFrame.Str("AgentId")); // type back-filled from the event name
        }

        [Fact]
        public async Task TheFirstEventIsInThePipelineWhileTheServerStillHoldsTheStreamOpen()
        {
            using System.Management.Automation.PowerShell ps = _fixture.Session.Create("Invoke-LoomcycleRun -Agent hold -Prompt x");
            var output = new PSDataCollection<PSObject>();
            var firstText = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            output.DataAdded += (_, e) =>
            {
                PSObject item = output[e.Index];
                if (item.Str("Type") == "text")
                {
                    firstText.TrySetResult(item.Str("Text")!);
                }
            };

            IAsyncResult running = ps.BeginInvoke<PSObject, PSObject>(null, output);
            Assert.Equal("first", await firstText.Task.WaitAsync(TimeSpan.FromSeconds(15)));
            Assert.False(running.IsCompleted);
            Assert.Equal(1, _fixture.Server.OpenStreams);

            _fixture.Server.ReleaseHeld();
            ps.EndInvoke(running);
            Assert.Equal("done", output.Last().Str("Type"));
        }

        [Fact]
        public void AFailedRunWritesAnErrorRecordSoErrorActionStopStops()
        {
            var result = _fixture.Session.Run("Invoke-LoomcycleRun -Agent fail -Prompt x -ErrorAction Stop; 'not reached'");
            Assert.DoesNotContain(result.Output, o => o.ToString() == "not reached");
            ErrorRecord error = Assert.Single(result.AllErrors);
            Assert.Equal("RunFailed,Loomcycle.PowerShell.Commands.InvokeLoomcycleRunCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidResult, error.CategoryInfo.Category);
            Assert.Contains("overloaded", error.Exception.Message);

            var dollarQuestion = _fixture.Session.Run("Invoke-LoomcycleRun -Agent fail -Prompt x -ErrorAction SilentlyContinue; $?");
            Assert.Equal(false, dollarQuestion.Output.Last().BaseObject);
        }

        [Fact]
        public void AsResultGivesOneObjectWithTheWholeTextAndIds()
        {
            var result = _fixture.Session.Run("Invoke-LoomcycleRun echo 'one two three' -AsResult");
            result.ThrowIfErrors();
            PSObject run = Assert.Single(result.Output);
            Assert.Equal("Loomcycle.RunResult", run.TypeName());
            Assert.Equal("one two three", run.Str("Text"));
            Assert.StartsWith("s_", run.Str("SessionId"));
            Assert.StartsWith("a_", run.Str("AgentId"));
            Assert.Equal("end_turn", run.Str("StopReason"));
            Assert.Equal(true, run.Prop("Succeeded"));
        }

        [Fact]
        public void ProseStreamsTheReplyToTheHostOnOneLineAndOutputsTheResult()
        {
            var result = _fixture.Session.Run("Invoke-LoomcycleRun echo 'alpha beta gamma' -Prose");
            result.ThrowIfErrors();
            Assert.Equal("Loomcycle.RunResult", Assert.Single(result.Output).TypeName());
            Assert.True(result.Information.Count > 2); // one record per delta, written as it arrived
            Assert.Equal("alpha beta gamma\n", result.HostText);
        }

        [Fact]
        public void OptionsNotGivenStayOffTheWireAndAnEmptyAllowedHostIsSentAsDenyAll()
        {
            _fixture.Server.ClearRequests();
            _fixture.Session.Run("Invoke-LoomcycleRun echo hi -AsResult").ThrowIfErrors();
            _fixture.Session.Run("Invoke-LoomcycleRun echo hi -AsResult -AllowedHost @() -Tool Read,'Grep*' -WebSearchFilter keep -UserId u1").ThrowIfErrors();
            var bodies = _fixture.Server.Requests.Where(r => r.Path == "/v1/runs").Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
            Assert.Equal(2, bodies.Count);

            var plain = bodies[0].EnumerateObject().Select(p => p.Name).ToList();
            Assert.Equal(new[] { "agent", "segments" }, plain);

            JsonElement full = bodies[1];
            Assert.Equal(JsonValueKind.Array, full.GetProperty("allowed_hosts").ValueKind);
            Assert.Equal(0, full.GetProperty("allowed_hosts").GetArrayLength());
            Assert.Equal(new[] { "Read", "Grep*" }, full.GetProperty("tools").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(new[] { "Read", "Grep*" }, full.GetProperty("allowed_tools").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("keep", full.GetProperty("web_search_filter").GetString());
            Assert.Equal("u1", full.GetProperty("user_id").GetString());
        }

        [Theory]
        [InlineData("@{ Role = 'user'; Content = @(@{ Type = 'untrusted-block'; Kind = 'web_content'; Text = 'page'; Cacheable = $true }) }")]
        [InlineData("([pscustomobject]@{ Role = 'user'; Content = @([pscustomobject]@{ Type = 'untrusted-block'; Kind = 'web_content'; Text = 'page'; Cacheable = $true }) })")]
        [InlineData("'{\"role\":\"user\",\"content\":[{\"type\":\"untrusted-block\",\"kind\":\"web_content\",\"text\":\"page\",\"cacheable\":true}]}'")]
        [InlineData("@(@{ role = 'user'; content = @{ type = 'untrusted-block'; kind = 'web_content'; text = 'page'; cacheable = $true } })")]
        // ConvertFrom-Json output (PSCustomObjects) is covered in the real pwsh: tests/Pester/Runs.Tests.ps1.
        public void SegmentsBindFromHashtablesObjectsAndJsonAndReachTheWireExactly(string segment)
        {
            _fixture.Server.ClearRequests();
            _fixture.Session.Run("Invoke-LoomcycleRun echo -Segment " + segment + " -AsResult").ThrowIfErrors();
            var body = Assert.Single(_fixture.Server.Requests, r => r.Path == "/v1/runs").Body;
            Assert.Equal(
                "[{\"role\":\"user\",\"content\":[{\"type\":\"untrusted-block\",\"text\":\"page\",\"cacheable\":true,\"kind\":\"web_content\"}]}]",
                JsonDocument.Parse(body).RootElement.GetProperty("segments").GetRawText());
        }

        [Fact]
        public void PlainTextBlocksAndMediaTypeWireNamesBind()
        {
            _fixture.Server.ClearRequests();
            _fixture.Session.Run("Invoke-LoomcycleRun echo -Segment @{ Role = 'system'; Content = 'brief' }, @{ Role = 'user'; Content = @('a', @{ type = 'image'; media_type = 'image/png'; data = 'iVBO' }) } -AsResult").ThrowIfErrors();
            var body = Assert.Single(_fixture.Server.Requests, r => r.Path == "/v1/runs").Body;
            Assert.Equal(
                "[{\"role\":\"system\",\"content\":[{\"type\":\"trusted-text\",\"text\":\"brief\"}]},{\"role\":\"user\",\"content\":[{\"type\":\"trusted-text\",\"text\":\"a\"},{\"type\":\"image\",\"media_type\":\"image/png\",\"data\":\"iVBO\"}]}]",
                JsonDocument.Parse(body).RootElement.GetProperty("segments").GetRawText());
        }

        [Theory]
        [InlineData("@{ Role = 'user'; Contents = 'x' }", "no property 'Contents'")]
        [InlineData("@{ Role = 'user'; Content = @(@{ Txt = 'x' }) }", "no property 'Txt'")]
        [InlineData("'not json'", "must be JSON")]
        [InlineData("42", "not Int32")]
        public void ABadSegmentIsRefusedByNameBeforeAnythingIsSent(string segment, string message)
        {
            _fixture.Server.ClearRequests();
            var result = _fixture.Session.Run("Invoke-LoomcycleRun echo -Segment " + segment + " -AsResult");
            var error = Assert.Single(result.Errors);
            Assert.Contains(message, error.Exception.Message);
            Assert.Equal("ParameterArgumentTransformationError,Loomcycle.PowerShell.Commands.InvokeLoomcycleRunCommand", error.FullyQualifiedErrorId);
            Assert.DoesNotContain(_fixture.Server.Requests, r => r.Path == "/v1/runs");
        }
    }
}
