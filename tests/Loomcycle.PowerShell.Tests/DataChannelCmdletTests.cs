using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;
using static Loomcycle.PowerShell.Tests.FaultTests.FaultKit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>The channel cmdlets: definitions, publish (one, broadcast, per user), subscribe and peek + confirm, waits; and an at-least-once consumer that is killed half way.</summary>
    // Not parallel: the Ctrl+C test counts bridge workers process-wide (FaultKit.AssertNoWorkerLeftAsync).
    [Collection(FaultTests.FaultCollection.Name)]
    public sealed class DataChannelCmdletTests : IClassFixture<ServerAndSession>
    {
        private readonly ServerAndSession _fixture;

        public DataChannelCmdletTests(ServerAndSession fixture)
        {
            _fixture = fixture;
            _fixture.Server.Reset();
        }

        private FakeLoomcycleServer Server => _fixture.Server;

        [Fact]
        public void ADeleteOrPurgeIsNotResentAfterABrokenConnection()
        {
            // Resent, a delete that arrived comes back as channel_not_found, and a purge drops what was published since.
            Server.Enqueue("DELETE", "/v1/_channels/work-items", Faults.ResetConnection());
            Server.Enqueue("POST", "/v1/_channels/work-items/purge", Faults.ResetConnection());
            var result = _fixture.Session.Run("Remove-LoomcycleChannel work-items -Force -MaximumRetryCount 2 -RetryIntervalSec 1; Clear-LoomcycleChannel work-items -Force -MaximumRetryCount 2 -RetryIntervalSec 1");
            Assert.Equal(2, result.AllErrors.Count(e => e.FullyQualifiedErrorId.StartsWith("LoomcycleConnection,", StringComparison.Ordinal)));
            Assert.Equal(new[] { "DELETE /v1/_channels/work-items", "POST /v1/_channels/work-items/purge" }, Server.Wire());
        }

        [Fact]
        public void ChannelsAreCreatedListedChangedClearedAndRemoved()
        {
            var result = _fixture.Session.Run(
                "New-LoomcycleChannel -Name work-items -Scope tenant -Semantic queue -Description 'jobs' -DefaultTtlSec 3600 -MaxMessages 100; " +
                "Get-LoomcycleChannel 'work-*'; " +
                "Set-LoomcycleChannel work-items -MaxMessages 500 -PassThru; " +
                "Send-LoomcycleChannelMessage work-items -Payload 1; Clear-LoomcycleChannel work-items -Force -Verbose; " +
                "Remove-LoomcycleChannel work-items -Force; Get-LoomcycleChannel").ThrowIfErrors();

            Assert.Equal(
                new[]
                {
                    "POST /v1/_channels", "GET /v1/_channels", "PATCH /v1/_channels/work-items", "POST /v1/_channels/work-items/publish",
                    "POST /v1/_channels/work-items/purge", "DELETE /v1/_channels/work-items", "GET /v1/_channels",
                },
                Server.Wire());
            Assert.Equal("{\"name\":\"work-items\",\"description\":\"jobs\",\"scope\":\"tenant\",\"semantic\":\"queue\",\"default_ttl\":3600,\"max_messages\":100}", Server.Requests[0].BodyText);
            Assert.Equal("{\"max_messages\":500}", Server.Requests[2].BodyText);
            Assert.Equal(3, result.Output.Count);
            Assert.All(result.Output, o => Assert.Equal("Loomcycle.Channel", o.TypeName()));
            Assert.Equal("runtime", result.Output[1].Str("Source"));
            Assert.Equal(500, result.Output[2].Prop("MaxMessages"));
            Assert.Contains("Dropped 1 message from 'work-items'.", result.Verbose);
            Assert.Empty(Server.State.Channels);
        }

        [Fact]
        public void ChannelNamesAndScopesCompleteFromTheServer()
        {
            Server.State.AddChannel("work-items");
            Server.State.AddChannel("work-done");
            Server.State.AddChannel("alerts");
            List<CompletionResult> Complete(string input) =>
                _fixture.Session.Run("(TabExpansion2 -inputScript $__input -cursorColumn $__input.Length).CompletionMatches", new Dictionary<string, object?> { ["__input"] = input })
                    .ThrowIfErrors().Output.Select(o => (CompletionResult)o.BaseObject).ToList();

            var channels = Complete("Receive-LoomcycleChannelMessage -Channel wor");
            Assert.Equal(new[] { "work-done", "work-items" }, channels.Select(c => c.CompletionText).OrderBy(x => x, StringComparer.Ordinal));
            Assert.Contains("global queue · 0 messages", channels[0].ToolTip);
            Assert.Equal(new[] { "tenant" }, Complete("Set-LoomcycleMemory -Scope te").Select(c => c.CompletionText));
            Assert.Equal(new[] { "AtLeast" }, Complete("Wait-LoomcycleChannel a -Mode At").Select(c => c.CompletionText));
        }

        [Fact]
        public void ChannelErrorsAreTypedAndBadNamesNeverLeave()
        {
            Server.State.AddChannel("_system/alerts", source: "yaml");
            var result = _fixture.Session.Run(
                "New-LoomcycleChannel 'bad name'; Remove-LoomcycleChannel '_system/alerts' -Force; Remove-LoomcycleChannel nope -Force; New-LoomcycleChannel '_system/alerts'; Set-LoomcycleChannel x");
            var errors = result.AllErrors.ToList();
            Assert.Equal(5, errors.Count);
            CmdletTestHelpers.AssertError(errors[0], "InvalidArgument", "NewLoomcycleChannelCommand", ErrorCategory.InvalidArgument, "bad name");
            CmdletTestHelpers.AssertError(errors[1], "LoomcycleServerError", "RemoveLoomcycleChannelCommand", ErrorCategory.ResourceExists, "_system/alerts");
            Assert.Equal("channel_yaml_immutable", errors[1].ExceptionProperty("Code"));
            CmdletTestHelpers.AssertError(errors[2], "NotFound", "RemoveLoomcycleChannelCommand", ErrorCategory.ObjectNotFound, "nope");
            CmdletTestHelpers.AssertError(errors[3], "InvalidArgument", "NewLoomcycleChannelCommand", ErrorCategory.InvalidArgument, "_system/alerts");
            CmdletTestHelpers.AssertError(errors[4], "InvalidArgument", "SetLoomcycleChannelCommand", ErrorCategory.InvalidArgument, "x");
            // The yaml channel's name holds '/': it went out escaped as one segment.
            Assert.Equal(new[] { "DELETE /v1/_channels/_system%2Falerts", "DELETE /v1/_channels/nope" }, Server.Wire());
        }

        [Fact]
        public void EachPipedPayloadIsOneMessageAndNamesWithSlashesAreEscaped()
        {
            Server.State.AddChannel("team/a");
            var result = _fixture.Session.Run(
                "@{ n = 1 }, 'two', 3 | Send-LoomcycleChannelMessage -Channel team/a -PassThru; Send-LoomcycleChannelMessage team/a -Payload @(4, 5) -PassThru").ThrowIfErrors();

            Assert.Equal(Enumerable.Repeat("POST /v1/_channels/team%2Fa/publish", 4), Server.Wire());
            Assert.Equal(new[] { "{\"payload\":{\"n\":1}}", "{\"payload\":\"two\"}", "{\"payload\":3}", "{\"payload\":[4,5]}" }, Server.Requests.Select(r => r.BodyText).Take(4));
            Assert.Equal(4, result.Output.Count);
            Assert.All(result.Output, o => Assert.StartsWith("msg_", o.Str("Id")));
            Assert.Equal("team/a", result.Output[0].Str("Channel"));
        }

        [Fact]
        public void SeveralChannelsAreOneAtomicBroadcastAndUserChannelsUseTheUserRoute()
        {
            Server.State.AddChannel("a");
            Server.State.AddChannel("b");
            _fixture.Session.Run(
                "Send-LoomcycleChannelMessage -Channel a, b -Json '{\"x\": 1}' -DeliverAt ([DateTimeOffset]'2030-01-02T03:04:05Z'); " +
                "Send-LoomcycleChannelMessage -Channel a -Payload @{ y = 2 } -UserId alice").ThrowIfErrors();

            Assert.Equal(new[] { "POST /v1/_channels/_broadcast", "POST /v1/users/alice/channels/a/publish" }, Server.Wire());
            Assert.Equal("{\"channels\":[\"a\",\"b\"],\"payload\":{\"x\": 1},\"deliver_at\":\"2030-01-02T03:04:05.0000000Z\"}", Server.Requests[0].BodyText);
            Assert.Equal("{\"payload\":{\"y\":2}}", Server.Requests[1].BodyText);
            Assert.Equal(3, Server.State.ChannelMessages.Count);
        }

        [Fact]
        public void InputTheServerWouldAnswerWith500IsRefusedBeforeSending()
        {
            Server.State.AddChannel("a");
            string many = string.Join(",", Enumerable.Range(0, 33).Select(i => "'c" + i + "'"));
            var result = _fixture.Session.Run(
                "Send-LoomcycleChannelMessage a -Payload $null; Send-LoomcycleChannelMessage a -Json 'nope'; Send-LoomcycleChannelMessage a -Json 'null'; " +
                $"Send-LoomcycleChannelMessage -Channel {many} -Payload 1; Wait-LoomcycleChannel a -Mode AtLeast; Receive-LoomcycleChannelMessage a -UserId 'bad id'");
            Assert.Empty(Server.Requests);
            var errors = result.AllErrors.ToList();
            Assert.Equal(6, errors.Count);
            CmdletTestHelpers.AssertError(errors[0], "InvalidArgument", "SendLoomcycleChannelMessageCommand", ErrorCategory.InvalidArgument, "a");
            CmdletTestHelpers.AssertError(errors[1], "InvalidArgument", "SendLoomcycleChannelMessageCommand", ErrorCategory.InvalidArgument, "a");
            CmdletTestHelpers.AssertError(errors[2], "InvalidArgument", "SendLoomcycleChannelMessageCommand", ErrorCategory.InvalidArgument, "a");
            Assert.StartsWith("ParameterArgumentValidationError", errors[3].FullyQualifiedErrorId);
            CmdletTestHelpers.AssertError(errors[4], "InvalidArgument", "WaitLoomcycleChannelCommand", ErrorCategory.InvalidArgument, "a");
            CmdletTestHelpers.AssertError(errors[5], "InvalidArgument", "ReceiveLoomcycleChannelMessageCommand", ErrorCategory.InvalidArgument, "bad id");
        }

        [Fact]
        public void AFailedChannelOfABroadcastIsItsOwnErrorAndTheOthersAreWritten()
        {
            Server.Enqueue("POST", "/v1/_channels/_broadcast", Faults.Status(200, "application/json",
                "{\"published\":1,\"failed\":1,\"results\":[{\"channel\":\"a\",\"msg_id\":\"msg_1\"},{\"channel\":\"b\",\"error\":\"channel not found\"}]}"));
            var result = _fixture.Session.Run("Send-LoomcycleChannelMessage -Channel a, b -Payload 1 -PassThru");

            ErrorRecord error = result.AssertSingleError("ChannelPublishFailed", "SendLoomcycleChannelMessageCommand", ErrorCategory.WriteError, "b");
            Assert.Equal("Publishing to 'b' failed: channel not found", error.Exception.Message);
            Assert.Null(error.ErrorDetails);
            Assert.Contains("Loomcycle.LoomcycleException", BaseTypes(error.Exception.GetType()));
            Assert.Equal("msg_1", Assert.Single(result.Output).Str("Id"));
        }

        private static IEnumerable<string?> BaseTypes(Type? type)
        {
            for (; type is not null; type = type.BaseType)
            {
                yield return type.FullName;
            }
        }

        [Fact]
        public void AServerSide500IsStillATypedError()
        {
            Server.State.AddChannel("a");
            Server.Enqueue("POST", "/v1/_channels/a/publish", Faults.Json(500, "channel_op_failed", "publish: missing required field: payload"));
            var result = _fixture.Session.Run("Send-LoomcycleChannelMessage a -Payload 1");
            ErrorRecord error = result.AssertSingleError("LoomcycleServerError", "SendLoomcycleChannelMessageCommand", ErrorCategory.InvalidResult, "a");
            Assert.Equal("channel_op_failed", error.ExceptionProperty("Code"));
        }

        [Fact]
        public void SubscribeCommitsAndPeekDoesNot()
        {
            Server.State.AddChannel("q");
            _fixture.Session.Run("1..5 | ForEach-Object { @{ n = $_ } } | Send-LoomcycleChannelMessage q").ThrowIfErrors();
            Server.ClearRequests();

            var peeked = _fixture.Session.Run("$m = Receive-LoomcycleChannelMessage q -Peek -Max 2; $m; $m.Payload.n").ThrowIfErrors();
            Assert.Equal(new[] { "POST /v1/_channels/_await" }, Server.Wire());
            Assert.Equal("{\"channels\":[\"q\"],\"mode\":\"any\",\"max_messages\":2}", Server.Requests[0].BodyText);
            Assert.Equal("", Server.State.CommittedCursor("q"));
            Assert.Equal("Loomcycle.ChannelMessage", peeked.Output[0].TypeName());
            Assert.Equal(new object[] { 1L, 2L }, peeked.Output.Skip(2).Select(o => o.BaseObject));
            var messages = Server.State.ChannelMessages;
            Assert.Equal(messages[0].Cursor, peeked.Output[0].Str("Cursor")); // derived the server's way
            Assert.Equal(messages[1].Cursor, peeked.Output[1].Str("Cursor")); // the server's next_cursor

            Server.ClearRequests();
            var taken = _fixture.Session.Run("Receive-LoomcycleChannelMessage q -Max 3").ThrowIfErrors();
            Assert.Equal(new[] { "POST /v1/_channels/q/subscribe" }, Server.Wire());
            Assert.Equal("{\"max_messages\":3}", Server.Requests[0].BodyText);
            Assert.Equal(3, taken.Output.Count);
            Assert.Equal(messages[2].Cursor, Server.State.CommittedCursor("q"));

            // The peek now starts after the committed cursor.
            var rest = _fixture.Session.Run("Receive-LoomcycleChannelMessage q -Peek").ThrowIfErrors();
            Assert.Equal(new[] { messages[3].Id, messages[4].Id }, rest.Output.Select(o => o.Str("Id")));
        }

        [Fact]
        public void ConfirmCommitsAndACursorThatGoesBackIsATypedError()
        {
            Server.State.AddChannel("q");
            _fixture.Session.Run("1..3 | Send-LoomcycleChannelMessage q").ThrowIfErrors();
            var messages = Server.State.ChannelMessages;
            Server.ClearRequests();

            var result = _fixture.Session.Run("$m = Receive-LoomcycleChannelMessage q -Peek; $m[-1] | Confirm-LoomcycleChannelMessage; $m[0] | Confirm-LoomcycleChannelMessage");

            Assert.Equal(new[] { "POST /v1/_channels/_await", "POST /v1/_channels/q/ack", "POST /v1/_channels/q/ack" }, Server.Wire());
            Assert.Equal("{\"cursor\":\"" + messages[2].Cursor + "\"}", Server.Requests[1].BodyText);
            Assert.Equal(messages[2].Cursor, Server.State.CommittedCursor("q"));
            ErrorRecord error = result.AssertSingleError("ChannelCursorRegression", "ConfirmLoomcycleChannelMessageCommand", ErrorCategory.InvalidOperation, "q");
            Assert.Equal("Loomcycle.ChannelCursorRegressionException", error.Exception.GetType().FullName);
            Assert.Equal(409, error.ExceptionProperty("StatusCode"));
        }

        [Fact]
        public void UserChannelsReadAndConfirmOnTheUsersCursor()
        {
            Server.State.AddChannel("inbox", scope: "user");
            _fixture.Session.Run("Send-LoomcycleChannelMessage inbox -Payload hi -UserId alice; Send-LoomcycleChannelMessage inbox -Payload global").ThrowIfErrors();
            Server.ClearRequests();

            var result = _fixture.Session.Run("Receive-LoomcycleChannelMessage inbox -UserId alice -Peek | Confirm-LoomcycleChannelMessage; Receive-LoomcycleChannelMessage inbox -UserId alice").ThrowIfErrors();

            Assert.Equal(new[] { "POST /v1/_channels/_await", "POST /v1/users/alice/channels/inbox/ack", "POST /v1/users/alice/channels/inbox/subscribe" }, Server.Wire());
            Assert.Equal("{\"channels\":[\"inbox\"],\"scope\":\"user\",\"scope_id\":\"alice\",\"mode\":\"any\"}", Server.Requests[0].BodyText);
            Assert.Empty(result.Output); // alice's one message is confirmed; the global one is not hers
            Assert.Equal("", Server.State.CommittedCursor("inbox"));
        }

        [Fact]
        public async Task ReceiveLongPollsUntilAMessageArrives()
        {
            Server.State.AddChannel("q");
            using System.Management.Automation.PowerShell ps = _fixture.Session.Create("Receive-LoomcycleChannelMessage q -WaitSec 60");
            IAsyncResult running = ps.BeginInvoke();
            await WaitUntilAsync(() => Server.Requests.Any(r => r.RawTarget == "/v1/_channels/q/subscribe"), "the subscribe call");
            Assert.False(running.IsCompleted);
            using (var http = new System.Net.Http.HttpClient())
            {
                var publish = await http.PostAsync(new Uri(Server.BaseUri, "v1/_channels/q/publish"), new System.Net.Http.StringContent("{\"payload\":{\"late\":true}}"));
                Assert.True(publish.IsSuccessStatusCode);
            }

            PSObject message = Assert.Single(await Task.Run(() => ps.EndInvoke(running)).WaitAsync(HangGuard));
            Assert.Equal("{\"late\":true}", message.Str("PayloadJson"));
            Assert.Contains("\"wait_ms\":60000", Server.Requests.First(r => r.RawTarget == "/v1/_channels/q/subscribe").BodyText);
        }

        [Fact]
        public async Task CtrlCEndsALongPollAtOnce()
        {
            Server.State.AddChannel("q");
            using System.Management.Automation.PowerShell ps = _fixture.Session.Create("Receive-LoomcycleChannelMessage q -Peek -WaitSec 600");
            IAsyncResult running = ps.BeginInvoke();
            await WaitUntilAsync(() => Server.Requests.Any(r => r.RawTarget == "/v1/_channels/_await"), "the await call");
            await StopAsync(ps, running);
            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
            await AssertNoWorkerLeftAsync();
        }

        [Fact]
        public void WaitReportsWhatFiredAndATimeoutIsAResult()
        {
            Server.State.AddChannel("a");
            Server.State.AddChannel("b");
            _fixture.Session.Run("Send-LoomcycleChannelMessage a -Payload 1; Send-LoomcycleChannelMessage a -Payload 2").ThrowIfErrors();
            Server.ClearRequests();

            var result = _fixture.Session.Run(
                "Wait-LoomcycleChannel a, b -TimeoutSec 5; Wait-LoomcycleChannel a, b -Mode All -TimeoutSec 0; Wait-LoomcycleChannel a, b -Mode AtLeast -Count 2 -TimeoutSec 0").ThrowIfErrors();

            Assert.Equal(3, result.Output.Count);
            PSObject any = result.Output[0];
            Assert.Equal("Loomcycle.ChannelWaitResult", any.TypeName());
            Assert.Equal((true, false), ((bool)any.Prop("Satisfied")!, (bool)any.Prop("TimedOut")!));
            Assert.Equal(new[] { "a" }, (string[])any.Prop("Fired")!);
            Assert.Equal(2, ((Array)any.Prop("Messages")!).Length);
            Assert.Equal((false, true), ((bool)result.Output[1].Prop("Satisfied")!, (bool)result.Output[1].Prop("TimedOut")!));
            Assert.Equal(true, result.Output[2].Prop("Satisfied"));
            Assert.Equal("{\"channels\":[\"a\",\"b\"],\"mode\":\"at_least\",\"n\":2}", Server.Requests[2].BodyText);
            Assert.Equal("", Server.State.CommittedCursor("a")); // waiting never commits
        }

        [Fact]
        public async Task FiveHundredMessagesReachAnAtLeastOnceConsumerThatIsKilledHalfWay()
        {
            Server.State.AddChannel("jobs");
            Server.State.AddChannel("idle");
            _fixture.Session.Run("1..500 | ForEach-Object { @{ n = $_ } } | Send-LoomcycleChannelMessage -Channel jobs").ThrowIfErrors();
            Assert.Equal(500, Server.State.ChannelMessages.Count);

            // The consumer loop of examples/channel-consumer.ps1: peek a batch, process every message, confirm the batch.
            // Half way, the first consumer parks in a long poll on an empty channel, where Ctrl+C reaches it.
            const string consumer = @"& {
                $ErrorActionPreference = 'Stop'
                while ($true) {
                    $batch = @(Receive-LoomcycleChannelMessage -Channel jobs -Peek -Max 25)
                    if ($batch.Count -eq 0) { break }
                    foreach ($m in $batch) {
                        $delivered.Add([int]$m.Payload.n)
                        if ($delivered.Count -eq $killAt) { $halfway.Set(); Receive-LoomcycleChannelMessage -Channel idle -Peek -WaitSec 600 }
                    }
                    $batch[-1] | Confirm-LoomcycleChannelMessage -ErrorAction Stop
                } }";
            var delivered = new ConcurrentQueue<int>();
            var list = new System.Collections.Generic.List<int>();
            using var halfway = new ManualResetEventSlim();
            var variables = new Dictionary<string, object?> { ["delivered"] = list, ["halfway"] = halfway, ["killAt"] = 260 };

            // First consumer: killed (Ctrl+C) in the middle of a batch, after processing 260 messages but before confirming them all.
            using (System.Management.Automation.PowerShell first = _fixture.Session.Create(consumer, variables))
            {
                IAsyncResult running = first.BeginInvoke();
                Assert.True(await Task.Run(() => halfway.Wait(HangGuard)), "the consumer never reached the half-way point");
                await StopAsync(first, running);
            }

            string committed = Server.State.CommittedCursor("jobs");
            int confirmed = Server.State.ChannelMessages.Count(m => string.CompareOrdinal(m.Cursor, committed) <= 0);
            Assert.Equal(250, confirmed); // ten whole batches were confirmed; the eleventh was cut off

            // Second consumer: starts again from the committed cursor and drains the channel.
            var second = _fixture.Session.Run(consumer, new Dictionary<string, object?> { ["delivered"] = list, ["halfway"] = halfway, ["killAt"] = -1 }).ThrowIfErrors();

            Assert.Equal(Enumerable.Range(1, 500), list.Distinct().OrderBy(n => n)); // none lost
            Assert.Equal(510, list.Count); // the ten processed before the kill, but not confirmed, came again
            Assert.Equal(Enumerable.Range(251, 10), list.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).OrderBy(n => n));
            Assert.Equal(Server.State.ChannelMessages.Last().Cursor, Server.State.CommittedCursor("jobs"));
        }
    }
}
