using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>Interactive runs, batches, session replay, resident sub-agents and interrupt decline against the fake server.</summary>
    public sealed class LiveRunCmdletTests : IClassFixture<ServerAndSession>
    {
        private readonly ServerAndSession _fixture;

        public LiveRunCmdletTests(ServerAndSession fixture)
        {
            _fixture = fixture;
            _fixture.Server.Reset();
        }

        private FakeLoomcycleServer Server => _fixture.Server;

        private PowerShellResult Run(string script) => _fixture.Session.Run(script);

        /// <summary>Starts an interactive echo run and returns its RunResult.</summary>
        private PSObject StartInteractive(string prompt = "hello")
        {
            var result = Run($"Invoke-LoomcycleRun -Agent echo -Prompt '{prompt}' -UserId u1 -Interactive -AsResult").ThrowIfErrors();
            return Assert.Single(result.Output);
        }

        private static bool WaitUntil(Func<bool> condition) => SpinWait.SpinUntil(condition, TimeSpan.FromSeconds(15));

        [Fact]
        public void InteractiveRunReturnsWhenParkedAndTheRunLivesOn()
        {
            PSObject run = StartInteractive();
            Assert.Equal("Loomcycle.RunResult", run.TypeName());
            Assert.Equal(true, run.Prop("Parked"));
            Assert.Equal(true, run.Prop("Succeeded"));
            Assert.Equal("echo: hello", run.Str("Text"));
            JsonElement body = JsonDocument.Parse(Server.Requests.Single(r => r.Method == "POST").Body).RootElement;
            Assert.True(body.GetProperty("interactive").GetBoolean());

            InteractiveRun live = Server.State.FindInteractive(run.Str("RunId")!)!;
            Assert.True(live.Parked);
            Assert.False(live.Ended);
            Assert.Equal("running", Server.State.FindRun(run.Str("RunId")!)!.Status);
        }

        [Fact]
        public void EventsOfAnInteractiveRunAreTyped()
        {
            var result = Run("Invoke-LoomcycleRun -Agent echo -Prompt 'typed please' -Interactive").ThrowIfErrors();
            PSObject steer = result.Output.Single(o => o.Str("Type") == "steer");
            var input = (PSObject)PSObject.AsPSObject(steer.Prop("UserInput"));
            Assert.Equal("typed please", input.Str("Text"));
            Assert.Equal("replay", input.Str("Source"));
            PSObject parked = result.Output.Last();
            Assert.Equal("awaiting_input", parked.Str("Type"));
            Assert.Equal(1, PSObject.AsPSObject(parked.Prop("AwaitingInput")).Prop("SinceTurn"));
            Assert.Equal("awaiting_input (turn 1)", parked.ToString());
        }

        [Fact]
        public void InteractiveRoundTripSendReceiveCompactAndStop()
        {
            PSObject run = StartInteractive();
            string runId = run.Str("RunId")!;
            Server.ClearRequests();

            Run($"Send-LoomcycleInput -RunId {runId} -Text 'second turn'").ThrowIfErrors();
            Assert.Equal(new[] { $"POST /v1/runs/{runId}/input" }, Server.Wire());
            Assert.Equal("{\"text\":\"second turn\"}", Server.Requests[0].BodyText);

            // Re-attaching to a run that is (or is about to be) parked returns once it is parked again.
            var received = Run($"Receive-LoomcycleRun -RunId {runId}").ThrowIfErrors();
            Assert.Equal("agent", received.Output[0].Str("Type"));
            Assert.Equal(new[] { "hello", "second turn" }, received.Output.Where(o => o.Str("Type") == "steer").Select(o => PSObject.AsPSObject(o.Prop("UserInput")).Str("Text")));
            Assert.Equal(2, received.Output.Count(o => o.Str("Type") == "awaiting_input"));
            Assert.Equal("awaiting_input", received.Output.Last().Str("Type"));
            Assert.Contains($"GET /v1/runs/{runId}/stream", Server.Wire());

            // Only what follows a sequence number.
            long seq = Server.State.FindSession(run.Str("SessionId")!)!.Events.Where(e => e.Type == "awaiting_input").Min(e => e.Seq);
            var tail = Run($"Receive-LoomcycleRun -RunId {runId} -FromSequence {seq}").ThrowIfErrors();
            Assert.Equal(new[] { "second turn" }, tail.Output.Where(o => o.Str("Type") == "steer").Select(o => PSObject.AsPSObject(o.Prop("UserInput")).Str("Text")));
            Assert.Contains($"GET /v1/runs/{runId}/stream?from_seq={seq}", Server.Wire());

            var compact = Run($"Compress-LoomcycleRun -RunId {runId}").ThrowIfErrors();
            PSObject compacted = Assert.Single(compact.Output);
            Assert.Equal("Loomcycle.CompactResult", compacted.TypeName());
            Assert.Equal("live", compacted.Str("Applied"));
            Assert.Equal(true, compacted.Prop("Compacted"));
            Assert.Contains($"POST /v1/runs/{runId}/compact", Server.Wire());
            Assert.Empty(Server.Requests.Last().Body); // the server reads no body

            // Parked: there is no turn to stop.
            Run($"Stop-LoomcycleTurn -RunId {runId}").AssertSingleError("NotMidTurn", "StopLoomcycleTurnCommand", ErrorCategory.InvalidOperation, runId);

            // Mid-turn: the turn stops, the run parks again.
            Run($"Send-LoomcycleInput {runId} hold").ThrowIfErrors();
            InteractiveRun live = Server.State.FindInteractive(runId)!;
            Assert.True(WaitUntil(() => !live.Parked && Server.HeldCount == 1));
            Run($"Compress-LoomcycleRun -RunId {runId}").AssertSingleError("RunBusy", "CompressLoomcycleRunCommand", ErrorCategory.ResourceBusy, runId);
            var stopped = Run($"Stop-LoomcycleTurn -RunId {runId} -Reason 'wrong way'").ThrowIfErrors();
            Assert.Equal(true, Assert.Single(stopped.Output).Prop("Stopped"));
            Assert.Equal(true, stopped.Output[0].Prop("Parked"));
            Assert.Equal("{\"reason\":\"wrong way\"}", Server.Requests.Last().BodyText);
            var afterStop = Run($"Receive-LoomcycleRun {runId}").ThrowIfErrors();
            PSObject cancelled = afterStop.Output.Single(o => o.Str("Type") == "turn_cancelled");
            Assert.Equal("wrong way", PSObject.AsPSObject(cancelled.Prop("TurnCancelled")).Str("Reason"));
            Assert.Contains(afterStop.Output, o => o.Str("Type") == "context_compaction");
        }

        [Fact]
        public void ReceiveReturnsFromARunCompactedWhileParked()
        {
            // The server re-parks a compacted run without a new awaiting_input (loop.go parkForOperatorTurn), so the run's
            // last transcript row is the compaction: Receive took the run for mid-turn and waited for a park frame forever.
            PSObject run = StartInteractive();
            string runId = run.Str("RunId")!;
            Run($"Send-LoomcycleInput -RunId {runId} -Text 'second turn'; Receive-LoomcycleRun -RunId {runId} | Out-Null").ThrowIfErrors(); // two turns: enough to compact
            Assert.Equal("live", Assert.Single(Run($"Compress-LoomcycleRun -RunId {runId}").ThrowIfErrors().Output).Str("Applied"));
            Assert.Equal("context_compaction", Server.State.FindSession(run.Str("SessionId")!)!.Events.Last().Type);

            using System.Management.Automation.PowerShell ps = _fixture.Session.Create($"Receive-LoomcycleRun -RunId {runId}");
            var output = new PSDataCollection<PSObject>();
            IAsyncResult receiving = ps.BeginInvoke<PSObject, PSObject>(null, output);
            bool returned = receiving.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(30));
            if (!returned)
            {
                ps.BeginStop(null, null); // not Stop(): a pipeline stuck where it cannot be stopped must not hang the suite
            }

            Assert.True(returned, "Receive-LoomcycleRun still waits on a parked run");
            Assert.Empty(ps.Streams.Error);
            Assert.Equal("awaiting_input", output.Last().Str("Type"));
            Assert.Equal(2, output.Count(o => o.Str("Type") == "awaiting_input"));
        }

        [Fact]
        public void InputErrorsAreTyped()
        {
            PSObject run = StartInteractive();
            string runId = run.Str("RunId")!;
            Server.ClearRequests();

            Run($"Send-LoomcycleInput {runId} '   '").AssertSingleError("InvalidArgument", "SendLoomcycleInputCommand", ErrorCategory.InvalidArgument, runId);
            Run("Send-LoomcycleInput 'r/x' hi").AssertSingleError("InvalidArgument", "SendLoomcycleInputCommand", ErrorCategory.InvalidArgument, "r/x");
            // 400 000 Cyrillic letters are 800 000 bytes of UTF-8, under the server's 1 MiB, but a body of 2.4 MB once JSON
            // writes each as a \uXXXX escape: refused here, not by the server.
            ErrorRecord tooLong = Run($"Send-LoomcycleInput {runId} ([string]::new([char]0x0416, 400000))")
                .AssertSingleError("InvalidArgument", "SendLoomcycleInputCommand", ErrorCategory.InvalidArgument, runId);
            Assert.Contains("1 MiB", tooLong.Exception.Message, StringComparison.Ordinal);
            Assert.Empty(Server.Wire());
            Run($"Send-LoomcycleInput {runId} ([string]::new([char]0x0416, 1000))").ThrowIfErrors(); // a short one goes
            Server.ClearRequests();

            Run("Send-LoomcycleInput r_missing hi").AssertSingleError("NotFound", "SendLoomcycleInputCommand", ErrorCategory.ObjectNotFound, "r_missing");

            // A busy turn queues inputs; once the queue is full the server answers 429 with Retry-After: 1.
            Run($"Send-LoomcycleInput {runId} hold").ThrowIfErrors();
            InteractiveRun live = Server.State.FindInteractive(runId)!;
            Assert.True(WaitUntil(() => !live.Parked && Server.HeldCount == 1));
            Run($"1..{Server.Options.InteractiveInputCapacity} | ForEach-Object {{ Send-LoomcycleInput {runId} \"queued $_\" }}").ThrowIfErrors();
            Server.ClearRequests();
            var full = Run($"Send-LoomcycleInput {runId} 'one too many' -MaximumRetryCount 0");
            ErrorRecord error = full.AssertSingleError("Backpressure", "SendLoomcycleInputCommand", ErrorCategory.LimitsExceeded, runId);
            Assert.Equal(TimeSpan.FromSeconds(1), error.ExceptionProperty("RetryAfter"));
            Assert.Equal(429, error.ExceptionProperty("StatusCode"));
            Server.ReleaseHeld();
        }

        [Fact]
        public void TurnCancelAndCompactErrorPathsAreTyped()
        {
            Run("Stop-LoomcycleTurn r_nothing").AssertSingleError("NotFound", "StopLoomcycleTurnCommand", ErrorCategory.ObjectNotFound, "r_nothing");
            AgentRecord plain = Server.State.AddAgent(new AgentRecord { AgentId = "a_plain", RunId = "r_plain", Live = true, Agent = "echo", UserId = "u1" });
            ErrorRecord notInteractive = Run("Stop-LoomcycleTurn r_plain").AssertSingleError("NotInteractive", "StopLoomcycleTurnCommand", ErrorCategory.InvalidOperation, "r_plain");
            Assert.Equal("not_interactive", notInteractive.ExceptionProperty("Code"));

            Run("Compress-LoomcycleRun r_nothing").AssertSingleError("NotFound", "CompressLoomcycleRunCommand", ErrorCategory.ObjectNotFound, "r_nothing");
            PSObject run = StartInteractive();
            var noop = Run($"Compress-LoomcycleRun {run.Str("RunId")}").ThrowIfErrors();
            Assert.Equal("noop", Assert.Single(noop.Output).Str("Applied"));
            Server.State.AddSession("s_gone", agent: "retired");
            Server.State.AddAgent(new AgentRecord { AgentId = "a_gone", RunId = "r_gone", SessionId = "s_gone", Agent = "retired", Status = "completed" });
            Run("Compress-LoomcycleRun r_gone").AssertSingleError("AgentGone", "CompressLoomcycleRunCommand", ErrorCategory.ObjectNotFound, "r_gone");
            Assert.True(plain.Live);
        }

        [Fact]
        public void ReceiveEndsWithAFinishedRunAndAnUnknownRunIsNotFound()
        {
            var done = Run("Invoke-LoomcycleRun echo 'all done' -AsResult").ThrowIfErrors();
            string runId = done.Output[0].Str("RunId")!;
            var replay = Run($"Receive-LoomcycleRun {runId}").ThrowIfErrors();
            Assert.Equal("done", replay.Output.Last().Str("Type"));
            Assert.Equal("all done", string.Concat(replay.Output.Where(o => o.Str("Type") == "text").Select(o => o.Str("Text"))));
            Run("Receive-LoomcycleRun r_unknown").AssertSingleError("NotFound", "ReceiveLoomcycleRunCommand", ErrorCategory.ObjectNotFound, "r_unknown");
        }

        [Fact]
        public void AHundredInputBatchMakesFourCallsAndReturnsAHundredResultsInOrder()
        {
            var result = Run("Invoke-LoomcycleBatch -Agent echo -Prompt (1..100 | ForEach-Object { \"prompt $_\" }) -UserId u9").ThrowIfErrors();
            Assert.Equal(Enumerable.Repeat("POST /v1/runs:batch", 4), Server.Wire());
            int[] sizes = Server.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("spawns").GetArrayLength()).ToArray();
            Assert.Equal(new[] { 32, 32, 32, 4 }, sizes);
            Assert.Equal(100, result.Output.Count);
            for (int i = 0; i < 100; i++)
            {
                PSObject r = result.Output[i];
                Assert.Equal("Loomcycle.BatchResult", r.TypeName());
                Assert.Equal(i, r.Prop("Index"));
                Assert.Equal($"prompt {i + 1}", r.Str("Input"));
                Assert.Equal($"prompt {i + 1}", r.Str("FinalText"));
                Assert.Equal("completed", r.Str("Status"));
            }

            JsonElement spawn = JsonDocument.Parse(Server.Requests[0].Body).RootElement.GetProperty("spawns")[0];
            Assert.Equal("echo", spawn.GetProperty("agent").GetString());
            Assert.Equal("u9", spawn.GetProperty("user_id").GetString());
            Assert.Equal("prompt 1", spawn.GetProperty("segments")[0].GetProperty("content")[0].GetProperty("text").GetString());
            Assert.Equal("join", JsonDocument.Parse(Server.Requests[0].Body).RootElement.GetProperty("mode").GetString());
        }

        [Fact]
        public void PipelineObjectsCarryTheirInputAndAFailedChildIsThatItemsError()
        {
            string script = """
                $rows = @(
                    [pscustomobject]@{ Prompt = 'one'; Ticket = 1 },
                    [pscustomobject]@{ Prompt = 'two'; Agent = 'fail'; Ticket = 2 },
                    @{ Prompt = 'three'; UserId = 'u3' },
                    [pscustomobject]@{ Ticket = 4 },
                    'five')
                $rows | Invoke-LoomcycleBatch -Agent echo -BatchSize 2 -TimeoutSec 30
                """;
            var result = Run(script);
            Assert.Equal(new[] { 0, 1, 2, 4 }, result.Output.Select(o => (int)o.Prop("Index")!));
            Assert.Equal(new[] { "completed", "failed", "completed", "completed" }, result.Output.Select(o => o.Str("Status")));
            Assert.Equal(1, PSObject.AsPSObject(result.Output[0].Prop("Input")).Prop("Ticket"));
            Assert.Equal("five", result.Output[3].Prop("Input"));
            Assert.Equal(2, result.Errors.Count);
            // Errors come in pipeline order: the first call (inputs 0 and 1) went out before input 3 was read.
            CmdletTestHelpers.AssertError(result.Errors[1], "InvalidArgument", "InvokeLoomcycleBatchCommand", ErrorCategory.InvalidArgument, result.Errors[1].TargetObject);
            Assert.Equal(4, PSObject.AsPSObject(result.Errors[1].TargetObject).Prop("Ticket")); // refused before sending: no prompt
            ErrorRecord failed = result.Errors[0];
            Assert.Equal("BatchItemFailed,Loomcycle.PowerShell.Commands.InvokeLoomcycleBatchCommand", failed.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidResult, failed.CategoryInfo.Category);
            Assert.Equal(2, PSObject.AsPSObject(failed.TargetObject).Prop("Ticket"));
            Assert.Contains("fake failure", failed.Exception.Message);

            Assert.Equal(new[] { 2, 2 }, Server.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("spawns").GetArrayLength()));
            JsonElement first = JsonDocument.Parse(Server.Requests[0].Body).RootElement;
            Assert.Equal(30000, first.GetProperty("timeout_ms").GetInt64());
            Assert.Equal("fail", first.GetProperty("spawns")[1].GetProperty("agent").GetString());
            Assert.Equal("u3", JsonDocument.Parse(Server.Requests[1].Body).RootElement.GetProperty("spawns")[0].GetProperty("user_id").GetString());
        }

        [Fact]
        public void WithErrorActionStopAFailedRunStopsTheBatchAndNoLaterCallIsSent()
        {
            // Calls are queued (the next goes out when the one before has ended), but a call with a failed run holds the
            // next one back until its errors are written: with -ErrorAction Stop, the first failure ends the command and
            // the inputs after that call never reach the server.
            string script = """
                $rows = @(
                    [pscustomobject]@{ Prompt = 'one' },
                    [pscustomobject]@{ Prompt = 'two'; Agent = 'fail' },
                    [pscustomobject]@{ Prompt = 'three' },
                    [pscustomobject]@{ Prompt = 'four' },
                    [pscustomobject]@{ Prompt = 'five' })
                $rows | Invoke-LoomcycleBatch -Agent echo -BatchSize 2 -ErrorAction Stop
                """;
            var result = Run(script);

            Assert.Equal(new[] { "POST /v1/runs:batch" }, Server.Wire());
            Assert.NotNull(result.Terminating);
            ErrorRecord stop = Assert.Single(result.AllErrors);
            Assert.Contains("BatchItemFailed", stop.FullyQualifiedErrorId);
            Assert.Equal("two", PSObject.AsPSObject(stop.TargetObject).Str("Prompt"));
        }

        [Fact]
        public void AnInputTheServerWouldRefuseIsRefusedAloneAndTheOthersRun()
        {
            // The server refuses a whole batch for one spawn with a bad identifier: the cmdlet leaves that input out.
            string script = """
                $rows = @(
                    [pscustomobject]@{ Prompt = 'one'; UserId = 'u1' },
                    [pscustomobject]@{ Prompt = 'two'; UserId = 'alice@example.com' },
                    [pscustomobject]@{ Prompt = 'three'; AgentId = 'not an id' },
                    [pscustomobject]@{ Prompt = 'four'; Agent = '   ' },
                    [pscustomobject]@{ Prompt = 'five' })
                $rows | Invoke-LoomcycleBatch -Agent echo
                """;
            var result = Run(script);
            Assert.Equal(new[] { 0, 4 }, result.Output.Select(o => (int)o.Prop("Index")!));
            Assert.Equal(new[] { "completed", "completed" }, result.Output.Select(o => o.Str("Status")));
            Assert.Equal(3, result.Errors.Count);
            foreach (ErrorRecord error in result.Errors)
            {
                CmdletTestHelpers.AssertError(error, "InvalidArgument", "InvokeLoomcycleBatchCommand", ErrorCategory.InvalidArgument, error.TargetObject);
            }

            Assert.Equal(new[] { "two", "three", "four" }, result.Errors.Select(e => PSObject.AsPSObject(e.TargetObject).Str("Prompt")));
            Assert.Contains("Input 1: UserId 'alice@example.com' is not valid", result.Errors[0].Exception.Message, StringComparison.Ordinal);
            Assert.Contains("Input 2: AgentId 'not an id' is not valid", result.Errors[1].Exception.Message, StringComparison.Ordinal);
            Assert.Contains("Input 3 names no agent", result.Errors[2].Exception.Message, StringComparison.Ordinal);

            JsonElement spawns = JsonDocument.Parse(Assert.Single(Server.Requests).Body).RootElement.GetProperty("spawns");
            Assert.Equal(new[] { "u1", null }, spawns.EnumerateArray().Select(s => s.TryGetProperty("user_id", out JsonElement u) ? u.GetString() : null));
        }

        [Fact]
        public void WithErrorActionStopAnInputTheServerWouldRefuseStopsBeforeItsCallIsSent()
        {
            var result = Run("@('ok', [pscustomobject]@{ Prompt = 'bad'; UserId = 'a b' }) | Invoke-LoomcycleBatch -Agent echo -ErrorAction Stop");
            Assert.NotNull(result.Terminating);
            ErrorRecord stop = Assert.Single(result.AllErrors);
            Assert.Equal("bad", PSObject.AsPSObject(stop.TargetObject).Str("Prompt"));
            Assert.Contains("Input 1: UserId 'a b'", stop.Exception.Message, StringComparison.Ordinal);
            Assert.Empty(Server.Requests);
        }

        [Fact]
        public void ABatchTheServerRefusesIsAnErrorForEachOfItsInputs()
        {
            Server.Enqueue("POST", "/v1/runs:batch", ctx =>
            {
                ctx.Response.StatusCode = 400;
                ctx.Response.ContentType = "text/plain; charset=utf-8";
                return Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(ctx.Response, "spawn_runs: 33 spawns exceeds the per-batch cap of 32\n");
            });
            var result = Run("Invoke-LoomcycleBatch echo a, b");
            Assert.Empty(result.Output);
            Assert.Equal(2, result.Errors.Count);
            CmdletTestHelpers.AssertError(result.Errors[0], "InvalidArgument", "InvokeLoomcycleBatchCommand", ErrorCategory.InvalidArgument, "a");
            CmdletTestHelpers.AssertError(result.Errors[1], "InvalidArgument", "InvokeLoomcycleBatchCommand", ErrorCategory.InvalidArgument, "b");
        }

        [Fact]
        public void CopySessionAndItsErrors()
        {
            Run("Invoke-LoomcycleRun echo 'copy me' -AsResult").ThrowIfErrors();
            string sessionId = Server.State.Sessions.Last().Id;
            Server.ClearRequests();
            var copy = Run($"Copy-LoomcycleSession -SessionId {sessionId} -Agent chatty -Compress").ThrowIfErrors();
            PSObject replay = Assert.Single(copy.Output);
            Assert.Equal("Loomcycle.SessionReplayResult", replay.TypeName());
            Assert.Equal(sessionId, replay.Str("SourceSessionId"));
            Assert.Equal(true, replay.Prop("Compacted"));
            Assert.True((long)replay.Prop("EventsCopied")! > 0);
            Assert.NotNull(Server.State.FindSession(replay.Str("NewSessionId")!));
            Assert.Equal(new[] { $"POST /v1/sessions/{sessionId}/replay" }, Server.Wire());
            Assert.Equal("{\"agent\":\"chatty\",\"compress\":true}", Server.Requests[0].BodyText);

            Run("Copy-LoomcycleSession s_missing chatty").AssertSingleError("SessionNotFound", "CopyLoomcycleSessionCommand", ErrorCategory.ObjectNotFound, "s_missing");
            Run($"Copy-LoomcycleSession {sessionId} retired").AssertSingleError("AgentGone", "CopyLoomcycleSessionCommand", ErrorCategory.ObjectNotFound, sessionId);
            Server.State.AddSession("s_empty");
            Run("Copy-LoomcycleSession s_empty chatty").AssertSingleError("EmptySource", "CopyLoomcycleSessionCommand", ErrorCategory.InvalidArgument, "s_empty");
            Server.ClearRequests();
            Run($"Copy-LoomcycleSession {sessionId} chatty -WhatIf").ThrowIfErrors();
            Assert.Empty(Server.Wire());
        }

        [Fact]
        public void ResidentAgentsListAndStop()
        {
            Server.State.AddResident(new ResidentRecord { ChildRunId = "r_res1", AgentId = "a_res1", Agent = "helper", ParentAgentId = "a_parent", State = "running" });
            Server.State.AddResident(new ResidentRecord { ChildRunId = "r_res2", AgentId = "a_res2", Agent = "helper" });
            var list = Run("Get-LoomcycleResidentAgent").ThrowIfErrors();
            Assert.Equal(new[] { "r_res1", "r_res2" }, list.Output.Select(o => o.Str("RunId")));
            Assert.Equal("Loomcycle.ResidentAgent", list.Output[0].TypeName());
            Assert.Equal("a_parent", list.Output[0].Str("ParentAgentId"));

            var turn = Run("Get-LoomcycleResidentAgent | Where-Object State -eq running | Stop-LoomcycleResidentAgent -TurnOnly -Confirm:$false").ThrowIfErrors();
            Assert.Equal(true, Assert.Single(turn.Output).Prop("Stopped"));
            Assert.Contains("POST /v1/_resident/r_res1/cancel", Server.Wire());

            Run("Stop-LoomcycleResidentAgent r_res2 -WhatIf").ThrowIfErrors();
            Assert.DoesNotContain("POST /v1/_resident/r_res2/close", Server.Wire());
            var closed = Run("Stop-LoomcycleResidentAgent r_res2 -Force").ThrowIfErrors();
            Assert.Equal(true, Assert.Single(closed.Output).Prop("Closed"));
            Assert.Single(Server.State.Residents);
            Run("Stop-LoomcycleResidentAgent r_res2 -Force").AssertSingleError("NotFound", "StopLoomcycleResidentAgentCommand", ErrorCategory.ObjectNotFound, "r_res2");
        }

        [Fact]
        public void AResidentCloseIsNotResentAfterABrokenConnectionButATurnStopIs()
        {
            // A close that reached the server would get 404 the second time (the child is gone): never resent.
            Server.State.AddResident(new ResidentRecord { ChildRunId = "r_res9", AgentId = "a_res9", Agent = "helper", State = "running" });
            Server.Enqueue("POST", "/v1/_resident/r_res9/close", Faults.ResetConnection());
            Run("Stop-LoomcycleResidentAgent r_res9 -Force -MaximumRetryCount 2 -RetryIntervalSec 1")
                .AssertSingleError("LoomcycleConnection", "StopLoomcycleResidentAgentCommand", ErrorCategory.ConnectionError, "r_res9");
            Assert.Equal(1, Server.Wire().Count(w => w == "POST /v1/_resident/r_res9/close"));

            Server.Enqueue("POST", "/v1/_resident/r_res9/cancel", Faults.ResetConnection());
            Run("Stop-LoomcycleResidentAgent r_res9 -TurnOnly -Force -MaximumRetryCount 2 -RetryIntervalSec 1").ThrowIfErrors();
            Assert.Equal(2, Server.Wire().Count(w => w == "POST /v1/_resident/r_res9/cancel"));
        }

        [Fact]
        public void ATurnStopIsNotResentAfterABrokenConnection()
        {
            // A stop that reached the server parked the run; sent again it would come back as 409 not_mid_turn, an error
            // for a stop that worked. The connection error says the stop may have reached the server.
            Server.Enqueue("POST", "/v1/runs/r_t9/cancel", Faults.ResetConnection());
            Run("Stop-LoomcycleTurn -RunId r_t9 -MaximumRetryCount 2 -RetryIntervalSec 1")
                .AssertSingleError("LoomcycleConnection", "StopLoomcycleTurnCommand", ErrorCategory.ConnectionError, "r_t9");
            Assert.Equal(1, Server.Wire().Count(w => w == "POST /v1/runs/r_t9/cancel"));
        }

        [Fact]
        public void DeclineSendsTheDispositionWithoutAnAnswer()
        {
            Server.State.AddInterrupt(new InterruptRecord { InterruptId = "intr_d1", RunId = "r_d1", UserId = "u1", Question = "Deploy?" });
            var result = Run("Resolve-LoomcycleInterrupt -RunId r_d1 -InterruptId intr_d1 -Decline -Confirm:$false").ThrowIfErrors();
            Assert.Equal("declined", Assert.Single(result.Output).Str("Status"));
            Assert.Equal("{\"disposition\":\"declined\"}", Server.Requests.Single().BodyText);
            var twice = Run("Resolve-LoomcycleInterrupt -RunId r_d1 -InterruptId intr_d1 -Decline -Confirm:$false");
            Assert.Equal("intr_d1", Assert.Single(twice.AllErrors).TargetObject);
        }

        [Fact]
        public void EnterHoldsAScriptedConversationAndLeavesTheRunParked()
        {
            var result = Run("'second line', '', 'exit', 'never sent' | Enter-LoomcycleRun -Agent echo -Prompt 'first line' -UserId u1").ThrowIfErrors();
            Assert.Empty(result.Output);
            Assert.Contains("echo: first line", result.HostText);
            Assert.Contains("echo: second line", result.HostText);
            Assert.DoesNotContain("never sent", result.HostText);
            string runId = Server.State.Agents.Last().RunId;
            Assert.Equal(1, Server.Wire().Count(w => w == $"POST /v1/runs/{runId}/input"));
            InteractiveRun live = Server.State.FindInteractive(runId)!;
            Assert.True(live.Parked);
            Assert.Equal(new[] { "first line", "second line" }, live.Received);

            // Coming back to the parked run shows it so far and goes on.
            var again = Run($"'third', 'exit' | Enter-LoomcycleRun -RunId {runId}").ThrowIfErrors();
            Assert.Contains("echo: third", again.HostText);
            Assert.Equal(new[] { "first line", "second line", "third" }, live.Received);
        }

        public static IEnumerable<object?[]> ServerRefusals => new[]
        {
            // route, status, JSON code (null: plain text), body text, command, error id, category, target
            new object?[] { "POST", "/v1/runs/r_e1/input", 503, null, "steering is not enabled on this server", "Send-LoomcycleInput r_e1 hi -Confirm:$false", "SendLoomcycleInputCommand", "Unavailable", ErrorCategory.ResourceUnavailable, "r_e1" },
            new object?[] { "POST", "/v1/runs/r_e1/input", 422, null, "text is required", "Send-LoomcycleInput r_e1 hi -Confirm:$false", "SendLoomcycleInputCommand", "InvalidArgument", ErrorCategory.InvalidArgument, "r_e1" },
            new object?[] { "POST", "/v1/runs/r_e1/cancel", 503, null, "turn-cancel is not enabled on this server", "Stop-LoomcycleTurn r_e1 -Confirm:$false", "StopLoomcycleTurnCommand", "Unavailable", ErrorCategory.ResourceUnavailable, "r_e1" },
            new object?[] { "POST", "/v1/runs/r_e1/compact", 502, null, "summarize: provider down", "Compress-LoomcycleRun r_e1 -Confirm:$false", "CompressLoomcycleRunCommand", "LoomcycleServerError", ErrorCategory.InvalidResult, "r_e1" },
            new object?[] { "POST", "/v1/runs/r_e1/compact", 429, null, "compaction queue full; retry shortly", "Compress-LoomcycleRun r_e1 -Confirm:$false", "CompressLoomcycleRunCommand", "Backpressure", ErrorCategory.LimitsExceeded, "r_e1" },
            new object?[] { "GET", "/v1/runs/r_e1/stream", 503, null, "run streaming requires a persistence backend", "Receive-LoomcycleRun r_e1", "ReceiveLoomcycleRunCommand", "Unavailable", ErrorCategory.ResourceUnavailable, "r_e1" },
            new object?[] { "POST", "/v1/sessions/s_e1/replay", 503, null, "replay requires persistence", "Copy-LoomcycleSession s_e1 echo -Confirm:$false", "CopyLoomcycleSessionCommand", "Unavailable", ErrorCategory.ResourceUnavailable, "s_e1" },
            new object?[] { "POST", "/v1/sessions/s_e1/replay", 502, null, "compress: provider down", "Copy-LoomcycleSession s_e1 echo -Compress -Confirm:$false", "CopyLoomcycleSessionCommand", "LoomcycleServerError", ErrorCategory.InvalidResult, "s_e1" },
            new object?[] { "GET", "/v1/users/u_e1/agents/stream", 503, "stream_unavailable", "run-state stream is not available", "Watch-LoomcycleAgent u_e1", "WatchLoomcycleAgentCommand", "Unavailable", ErrorCategory.ResourceUnavailable, "u_e1" },
            new object?[] { "GET", "/v1/users/u_e1/agents/stream", 500, "sse_not_supported", "streaming unsupported", "Watch-LoomcycleAgent u_e1", "WatchLoomcycleAgentCommand", "LoomcycleServerError", ErrorCategory.InvalidResult, "u_e1" },
            new object?[] { "GET", "/v1/users/u_e1/agents/stream", 400, "invalid_request", "bad status", "Watch-LoomcycleAgent u_e1", "WatchLoomcycleAgentCommand", "InvalidArgument", ErrorCategory.InvalidArgument, "u_e1" },
            new object?[] { "POST", "/v1/_resident/r_e1/close", 400, null, "run_id must match [A-Za-z0-9_-]{1,128}", "Stop-LoomcycleResidentAgent r_e1 -Force", "StopLoomcycleResidentAgentCommand", "InvalidArgument", ErrorCategory.InvalidArgument, "r_e1" },
            new object?[] { "POST", "/v1/runs:batch", 415, null, "Content-Type must be application/json", "Invoke-LoomcycleBatch echo x", "InvokeLoomcycleBatchCommand", "InvalidArgument", ErrorCategory.InvalidArgument, "x" },
        };

        [Theory]
        [MemberData(nameof(ServerRefusals))]
        public void EveryServerRefusalOfTheSpecIsATypedError(string method, string path, int status, string? code, string body, string script, string command, string errorId, ErrorCategory category, string target)
        {
            Server.Enqueue(method, path, ctx =>
            {
                ctx.Response.StatusCode = status;
                if (status == 429) ctx.Response.Headers["Retry-After"] = "1";
                ctx.Response.ContentType = code is null ? "text/plain; charset=utf-8" : "application/json";
                string text = code is null ? body + "\n" : JsonSerializer.Serialize(new { code, error = body }) + "\n";
                return Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(ctx.Response, text);
            });
            var result = Run(script + " -MaximumRetryCount 0");
            ErrorRecord error = result.AssertSingleError(errorId, command, category, target);
            Assert.Equal(status, error.ExceptionProperty("StatusCode"));
            Assert.Equal(code, error.ExceptionProperty("Code"));
        }
    }
}
