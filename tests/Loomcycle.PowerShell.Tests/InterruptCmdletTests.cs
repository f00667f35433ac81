using System;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>Get- and Resolve-LoomcycleInterrupt against the fake server (whose interrupt errors are plain text).</summary>
    public sealed class InterruptCmdletTests : IClassFixture<ServerAndSession>
    {
        // The server's statuses (the reference client's list is wrong for two of them).
        private static readonly string[] Statuses = { "pending", "resolved", "timed_out", "cancelled", "declined", "all" };

        private readonly ServerAndSession _fixture;

        public InterruptCmdletTests(ServerAndSession fixture)
        {
            _fixture = fixture;
            _fixture.Server.Reset();
        }

        [Fact]
        public void ListByUserAndByRunWithEveryStatusValue()
        {
            _fixture.Server.State.AddInterrupt("r_1", "u1", "Proceed?", new[] { "yes", "no" });

            var byUser = _fixture.Session.Run("Get-LoomcycleInterrupt -UserId u1").ThrowIfErrors();
            var byRun = _fixture.Session.Run("Get-LoomcycleInterrupt -RunId r_1").ThrowIfErrors();
            foreach (string status in Statuses)
            {
                _fixture.Session.Run($"Get-LoomcycleInterrupt -UserId u1 -Status {status}").ThrowIfErrors();
            }

            var wire = _fixture.Server.Wire();
            Assert.Equal("GET /v1/users/u1/interrupts", wire[0]);
            Assert.Equal("GET /v1/runs/r_1/interrupts", wire[1]);
            Assert.Equal(Statuses.Select(s => "GET /v1/users/u1/interrupts?status=" + s), wire.Skip(2));

            PSObject interrupt = Assert.Single(byUser.Output);
            Assert.Equal("Loomcycle.Interrupt", interrupt.TypeName());
            Assert.Equal("Proceed?", interrupt.Str("Question"));
            Assert.Equal("pending", interrupt.Str("Status"));
            Assert.Null(interrupt.Prop("ResolvedAt")); // the server's zero time
            Assert.Null(interrupt.Prop("ExpiresAt"));
            Assert.Equal("[\"yes\",\"no\"]", interrupt.Str("Options"));
            Assert.Equal(interrupt.Str("InterruptId"), Assert.Single(byRun.Output).Str("InterruptId"));
        }

        [Fact]
        public void StatusIsAValidateSet()
        {
            var result = _fixture.Session.Run("Get-LoomcycleInterrupt -UserId u1 -Status expired");
            Assert.Empty(_fixture.Server.Requests);
            Assert.StartsWith("ParameterArgumentValidationError", Assert.Single(result.AllErrors).FullyQualifiedErrorId);
        }

        [Fact]
        public void PipelineResolvesEveryPendingInterruptOfAUser()
        {
            var first = _fixture.Server.State.AddInterrupt("r_1", "u1", "Deploy?", new[] { "yes", "no" });
            var second = _fixture.Server.State.AddInterrupt("r_2", "u1", "Anything else?");
            _fixture.Server.State.AddInterrupt("r_3", "u2", "Not mine");

            var result = _fixture.Session.Run("Get-LoomcycleInterrupt -UserId u1 | Resolve-LoomcycleInterrupt -Answer yes").ThrowIfErrors();

            var wire = _fixture.Server.Wire();
            Assert.Equal("GET /v1/users/u1/interrupts", wire[0]);
            Assert.Equal(
                new[] { $"POST /v1/runs/r_1/interrupts/{first.InterruptId}/resolve", $"POST /v1/runs/r_2/interrupts/{second.InterruptId}/resolve" },
                wire.Skip(1).OrderBy(x => x, StringComparer.Ordinal));
            Assert.Equal(3, wire.Count);
            Assert.All(_fixture.Server.Requests.Skip(1), r => Assert.Equal("yes", JsonDocument.Parse(r.Body).RootElement.GetProperty("answer").GetString()));
            Assert.Equal(new[] { "resolved", "resolved" }, result.Output.Select(o => o.Str("Status")));
            Assert.Equal(new[] { "r_1", "r_2" }, result.Output.Select(o => o.Str("RunId")).OrderBy(x => x, StringComparer.Ordinal));
            Assert.All(result.Output, o => Assert.Equal("Loomcycle.InterruptResolution", o.TypeName()));
            Assert.Equal("pending", _fixture.Server.State.Interrupts.Single(i => i.RunId == "r_3").Status);
        }

        [Fact]
        public void ResolvedByIsSent()
        {
            var i = _fixture.Server.State.AddInterrupt("r_1", "u1", "Why?");
            _fixture.Session.Run($"Resolve-LoomcycleInterrupt -RunId r_1 -InterruptId {i.InterruptId} -Answer because -ResolvedBy ops").ThrowIfErrors();
            JsonElement body = JsonDocument.Parse(Assert.Single(_fixture.Server.Requests).Body).RootElement;
            Assert.Equal("because", body.GetProperty("answer").GetString());
            Assert.Equal("ops", body.GetProperty("resolved_by").GetString());
            Assert.Equal("ops", _fixture.Server.State.FindInterrupt(i.InterruptId)!.ResolvedBy);
        }

        [Fact]
        public void AnAnswerOutsideTheOptionsIs422InvalidArgument()
        {
            var i = _fixture.Server.State.AddInterrupt("r_1", "u1", "Deploy?", new[] { "yes", "no" });
            var result = _fixture.Session.Run($"Resolve-LoomcycleInterrupt -RunId r_1 -InterruptId {i.InterruptId} -Answer maybe");
            ErrorRecord error = result.AssertSingleError("InvalidArgument", "ResolveLoomcycleInterruptCommand", ErrorCategory.InvalidArgument, i.InterruptId);
            Assert.Equal(422, error.ExceptionProperty("StatusCode"));
        }

        [Fact]
        public void AnEmptyAnswerIsRefusedBeforeSending()
        {
            var i = _fixture.Server.State.AddInterrupt("r_1", "u1", "Why?", null);
            _fixture.Server.ClearRequests();
            var result = _fixture.Session.Run($"Resolve-LoomcycleInterrupt -RunId r_1 -InterruptId {i.InterruptId} -Answer ''");
            ErrorRecord error = result.AssertSingleError("InvalidArgument", "ResolveLoomcycleInterruptCommand", ErrorCategory.InvalidArgument, i.InterruptId);
            Assert.StartsWith("Answer is required", error.Exception.Message, StringComparison.Ordinal);
            Assert.Empty(_fixture.Server.Requests);
        }

        [Fact]
        public void AnsweringTwiceIs409()
        {
            var i = _fixture.Server.State.AddInterrupt("r_1", "u1", "Go?");
            _fixture.Session.Run($"Resolve-LoomcycleInterrupt -RunId r_1 -InterruptId {i.InterruptId} -Answer go").ThrowIfErrors();
            var result = _fixture.Session.Run($"Resolve-LoomcycleInterrupt -RunId r_1 -InterruptId {i.InterruptId} -Answer go");
            ErrorRecord error = result.AssertSingleError("LoomcycleServerError", "ResolveLoomcycleInterruptCommand", ErrorCategory.ResourceExists, i.InterruptId);
            Assert.Equal(409, error.ExceptionProperty("StatusCode"));
            Assert.Contains("already resolved", error.Exception.Message);
        }

        [Fact]
        public void AnExpiredInterruptIs410()
        {
            var i = _fixture.Server.State.AddInterrupt("r_1", "u1", "Late?", expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1));
            var result = _fixture.Session.Run($"Resolve-LoomcycleInterrupt -RunId r_1 -InterruptId {i.InterruptId} -Answer x");
            ErrorRecord error = result.AssertSingleError("LoomcycleServerError", "ResolveLoomcycleInterruptCommand", ErrorCategory.InvalidOperation, i.InterruptId);
            Assert.Equal(410, error.ExceptionProperty("StatusCode"));
        }

        [Fact]
        public void AnUnknownInterruptIsNotFound()
        {
            var result = _fixture.Session.Run("Resolve-LoomcycleInterrupt -RunId r_1 -InterruptId intr_nope -Answer x");
            result.AssertSingleError("NotFound", "ResolveLoomcycleInterruptCommand", ErrorCategory.ObjectNotFound, "intr_nope");
        }

        [Fact]
        public void InvalidIdsFailBeforeSendingAndWhatIfSendsNothing()
        {
            var i = _fixture.Server.State.AddInterrupt("r_1", "u1", "Go?");
            var bad = _fixture.Session.Run("Resolve-LoomcycleInterrupt -RunId 'r/1' -InterruptId x -Answer y; Get-LoomcycleInterrupt -UserId '..'");
            var whatIf = _fixture.Session.Run($"Resolve-LoomcycleInterrupt -RunId r_1 -InterruptId {i.InterruptId} -Answer y -WhatIf").ThrowIfErrors();

            Assert.Empty(_fixture.Server.Requests);
            Assert.Equal(2, bad.Errors.Count);
            CmdletTestHelpers.AssertError(bad.Errors[0], "InvalidArgument", "ResolveLoomcycleInterruptCommand", ErrorCategory.InvalidArgument, "r/1");
            CmdletTestHelpers.AssertError(bad.Errors[1], "InvalidArgument", "GetLoomcycleInterruptCommand", ErrorCategory.InvalidArgument, "..");
            Assert.Empty(whatIf.Output);
            Assert.Equal("pending", _fixture.Server.State.FindInterrupt(i.InterruptId)!.Status);
        }
    }
}
