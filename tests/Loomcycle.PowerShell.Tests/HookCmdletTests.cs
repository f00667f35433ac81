using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>Register-, Get- and Unregister-LoomcycleHook against the fake server.</summary>
    public sealed class HookCmdletTests : IClassFixture<ServerAndSession>
    {
        private readonly ServerAndSession _fixture;

        public HookCmdletTests(ServerAndSession fixture)
        {
            _fixture = fixture;
            _fixture.Server.Reset();
        }

        private HookRecord Seed(string owner, string name) =>
            _fixture.Server.State.AddHook(new HookRecord { Owner = owner, Name = name, Phase = "pre", CallbackUrl = "http://127.0.0.1:9/" + name });

        [Fact]
        public void RegisterSendsEveryGivenFieldAndWritesTheHookWithItsId()
        {
            var result = _fixture.Session.Run(
                "Register-LoomcycleHook -Owner app -Name guard -Phase pre -CallbackUrl http://127.0.0.1:9000/guard -Agent 'plan*' -Tool Bash,'Write*' -FailMode closed -TimeoutMs 2000").ThrowIfErrors();

            var request = Assert.Single(_fixture.Server.Requests);
            Assert.Equal("POST /v1/hooks", request.Method + " " + request.RawTarget);
            JsonElement body = JsonDocument.Parse(request.Body).RootElement;
            Assert.Equal("app", body.GetProperty("owner").GetString());
            Assert.Equal("guard", body.GetProperty("name").GetString());
            Assert.Equal("pre", body.GetProperty("phase").GetString());
            Assert.Equal("http://127.0.0.1:9000/guard", body.GetProperty("callback_url").GetString());
            Assert.Equal(new[] { "plan*" }, body.GetProperty("agents").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(new[] { "Bash", "Write*" }, body.GetProperty("tools").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("closed", body.GetProperty("fail_mode").GetString());
            Assert.Equal(2000, body.GetProperty("timeout_ms").GetInt32());

            PSObject hook = Assert.Single(result.Output);
            Assert.Equal("Loomcycle.Hook", hook.TypeName());
            Assert.Equal(_fixture.Server.State.Hooks.Single().Id, hook.Str("Id"));
            Assert.Equal("closed", hook.Str("FailMode"));
        }

        [Fact]
        public void APipedHookIsRegisteredAgainWithItsAgentsToolsFailModeAndTimeout()
        {
            // Re-registering (after a restart, or on another server with -Connection) must not widen a closed guard on
            // Bash into an open hook on every tool.
            _fixture.Session.Run(
                "Register-LoomcycleHook -Owner app -Name guard -Phase pre -CallbackUrl http://127.0.0.1:9000/guard -Agent 'plan*' -Tool Bash -FailMode closed -TimeoutSec 2; " +
                "Register-LoomcycleHook -Owner app -Name plain -Phase post -CallbackUrl http://127.0.0.1:9000/plain").ThrowIfErrors();
            _fixture.Server.ClearRequests();

            _fixture.Session.Run("Get-LoomcycleHook -Owner app | Register-LoomcycleHook").ThrowIfErrors();

            JsonElement[] bodies = _fixture.Server.Requests.Where(r => r.Method == "POST").Select(r => JsonDocument.Parse(r.Body).RootElement).ToArray();
            Assert.Equal(2, bodies.Length);
            JsonElement guard = bodies.Single(b => b.GetProperty("name").GetString() == "guard");
            Assert.Equal(new[] { "plan*" }, guard.GetProperty("agents").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(new[] { "Bash" }, guard.GetProperty("tools").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("closed", guard.GetProperty("fail_mode").GetString());
            Assert.Equal(2000, guard.GetProperty("timeout_ms").GetInt32());
            JsonElement plain = bodies.Single(b => b.GetProperty("name").GetString() == "plain");
            Assert.False(plain.TryGetProperty("tools", out _)); // a hook on every tool stays one
            Assert.False(plain.TryGetProperty("agents", out _));
        }

        [Fact]
        public void AFailModeOtherThanOpenOrClosedIsRefusedBeforeSending()
        {
            var result = _fixture.Session.Run("Register-LoomcycleHook -Owner app -Name g -Phase pre -CallbackUrl http://a/g -FailMode shut");
            result.AssertSingleError("InvalidArgument", "RegisterLoomcycleHookCommand", ErrorCategory.InvalidArgument, "app/g");
            Assert.Empty(_fixture.Server.Requests);
            _fixture.Session.Run("Register-LoomcycleHook -Owner app -Name g -Phase pre -CallbackUrl http://a/g -FailMode Closed").ThrowIfErrors();
            Assert.Equal("closed", JsonDocument.Parse(Assert.Single(_fixture.Server.Requests).Body).RootElement.GetProperty("fail_mode").GetString());
        }

        [Theory]
        [InlineData("-TimeoutSec 2.5", 2500)]
        [InlineData("-TimeoutSec 0.2", 200)]
        [InlineData("-TimeoutMs 1500", 1500)]          // the name of earlier versions still works, in milliseconds
        [InlineData("-TimeoutSec 3 -TimeoutMs 1500", 3000)]
        public void TimeoutSecIsSentInMillisecondsAndTheOldTimeoutMsStillWorks(string timeout, int expectedMs)
        {
            _fixture.Server.ClearRequests();
            _fixture.Session.Run("Register-LoomcycleHook -Owner app -Name timed -Phase pre -CallbackUrl http://127.0.0.1:9000/t " + timeout).ThrowIfErrors();
            var request = Assert.Single(_fixture.Server.Requests);
            Assert.Equal(expectedMs, JsonDocument.Parse(request.Body).RootElement.GetProperty("timeout_ms").GetInt32());
        }

        [Fact]
        public void ATimeoutOverSixtySecondsIsRefusedBeforeSending()
        {
            _fixture.Server.ClearRequests();
            var result = _fixture.Session.Run("Register-LoomcycleHook -Owner app -Name timed -Phase pre -CallbackUrl http://127.0.0.1:9000/t -TimeoutSec 61");
            Assert.StartsWith("ParameterArgumentValidationError", Assert.Single(result.Errors).FullyQualifiedErrorId);
            Assert.Empty(_fixture.Server.Requests);
        }

        [Fact]
        public void ReRegisteringTheSameOwnerAndNameReplacesTheHook()
        {
            var first = _fixture.Session.Run("Register-LoomcycleHook -Owner app -Name audit -Phase post -CallbackUrl http://a/1").ThrowIfErrors();
            var second = _fixture.Session.Run("Register-LoomcycleHook -Owner app -Name audit -Phase post -CallbackUrl http://a/2").ThrowIfErrors();
            HookRecord stored = Assert.Single(_fixture.Server.State.Hooks);
            Assert.Equal("http://a/2", stored.CallbackUrl);
            Assert.Equal(stored.Id, second.Output.Single().Str("Id"));
            Assert.NotEqual(first.Output.Single().Str("Id"), stored.Id);
        }

        [Fact]
        public void AnInvalidRegistrationFromTheServerIsInvalidArgument()
        {
            _fixture.Server.Enqueue("POST", "/v1/hooks", Faults.Json(400, "invalid_registration", "connector: invalid hook registration: callback host not allowed"));
            var result = _fixture.Session.Run("Register-LoomcycleHook -Owner app -Name bad -Phase pre -CallbackUrl http://10.0.0.1/x");
            ErrorRecord error = result.AssertSingleError("InvalidArgument", "RegisterLoomcycleHookCommand", ErrorCategory.InvalidArgument, "app/bad");
            Assert.Equal("invalid_registration", error.ExceptionProperty("Code"));
            Assert.Equal(400, error.ExceptionProperty("StatusCode"));
            Assert.Single(_fixture.Server.Requests);
        }

        [Fact]
        public void ANonHttpCallbackFailsBeforeSending()
        {
            var result = _fixture.Session.Run("Register-LoomcycleHook -Owner app -Name bad -Phase pre -CallbackUrl ftp://example/x");
            ErrorRecord error = result.AssertSingleError("InvalidArgument", "RegisterLoomcycleHookCommand", ErrorCategory.InvalidArgument, "app/bad");
            Assert.Null(error.ExceptionProperty("Code"));
            Assert.Empty(_fixture.Server.Requests);
        }

        [Fact]
        public void AnUnknownPhaseOrFailModeIsRefusedBeforeSending()
        {
            // Phase is a ValidateSet; FailMode is checked by the cmdlet (a piped hook may carry a null FailMode).
            var result = _fixture.Session.Run("Register-LoomcycleHook -Owner a -Name b -Phase during -CallbackUrl http://x; Register-LoomcycleHook -Owner a -Name b -Phase pre -CallbackUrl http://x -FailMode maybe");
            Assert.Empty(_fixture.Server.Requests);
            Assert.Equal(2, result.AllErrors.Count());
            Assert.StartsWith("ParameterArgumentValidationError", result.AllErrors.First().FullyQualifiedErrorId);
            Assert.Equal("InvalidArgument,Loomcycle.PowerShell.Commands.RegisterLoomcycleHookCommand", result.AllErrors.Last().FullyQualifiedErrorId);
        }

        [Fact]
        public void GetFiltersWithWildcardsOnThisSide()
        {
            Seed("app", "audit");
            Seed("app", "guard");
            HookRecord other = Seed("ops", "audit");

            var byOwner = _fixture.Session.Run("Get-LoomcycleHook -Owner APP").ThrowIfErrors();
            var byName = _fixture.Session.Run("Get-LoomcycleHook -Name 'aud*'").ThrowIfErrors();
            var byId = _fixture.Session.Run($"Get-LoomcycleHook -Id {other.Id}").ThrowIfErrors();

            Assert.Equal(new[] { "GET /v1/hooks", "GET /v1/hooks", "GET /v1/hooks" }, _fixture.Server.Wire());
            Assert.Equal(new[] { "audit", "guard" }, byOwner.Output.Select(o => o.Str("Name")));
            Assert.Equal(new[] { "app", "ops" }, byName.Output.Select(o => o.Str("Owner")));
            Assert.Equal("ops", Assert.Single(byId.Output).Str("Owner"));
        }

        [Fact]
        public void GetOfAnExactIdThatDoesNotExistIsHookNotFound()
        {
            Seed("app", "audit");
            var result = _fixture.Session.Run("Get-LoomcycleHook -Id hk_missing; Get-LoomcycleHook -Id 'hk_none*'");
            result.AssertSingleError("HookNotFound", "GetLoomcycleHookCommand", ErrorCategory.ObjectNotFound, "hk_missing");
            Assert.Empty(result.Output);
        }

        [Fact]
        public void PipelineUnregistersTheHooksOfOneOwnerWithoutAsking()
        {
            HookRecord a = Seed("app", "audit");
            HookRecord b = Seed("app", "guard");
            HookRecord keep = Seed("ops", "audit");

            var result = _fixture.Session.Run("Get-LoomcycleHook | Where-Object Owner -eq 'app' | Unregister-LoomcycleHook").ThrowIfErrors();

            Assert.Equal(new[] { "GET /v1/hooks", $"DELETE /v1/hooks/{a.Id}", $"DELETE /v1/hooks/{b.Id}" }, _fixture.Server.Wire());
            Assert.Equal(keep.Id, Assert.Single(_fixture.Server.State.Hooks).Id);
            Assert.Empty(result.Output);
        }

        [Fact]
        public void UnregisteringAnUnknownHookIsHookNotFoundAndTheNextStillRuns()
        {
            HookRecord a = Seed("app", "audit");
            var result = _fixture.Session.Run($"Unregister-LoomcycleHook hk_gone, {a.Id}");
            Assert.Equal(new[] { "DELETE /v1/hooks/hk_gone", $"DELETE /v1/hooks/{a.Id}" }, _fixture.Server.Wire());
            result.AssertSingleError("HookNotFound", "UnregisterLoomcycleHookCommand", ErrorCategory.ObjectNotFound, "hk_gone");
            Assert.Empty(_fixture.Server.State.Hooks);
        }

        [Fact]
        public void WhatIfSendsNothing()
        {
            HookRecord a = Seed("app", "audit");
            var result = _fixture.Session.Run($"Register-LoomcycleHook -Owner x -Name y -Phase pre -CallbackUrl http://x -WhatIf; Unregister-LoomcycleHook {a.Id} -WhatIf").ThrowIfErrors();
            Assert.Empty(_fixture.Server.Requests);
            Assert.Empty(result.Output);
            Assert.Single(_fixture.Server.State.Hooks);
        }

        [Fact]
        public void AServerWithoutHooksIsUnavailable()
        {
            _fixture.Server.Enqueue("GET", "/v1/hooks", Faults.Json(503, "hooks_not_configured", "hooks are not configured"));
            var result = _fixture.Session.Run("Get-LoomcycleHook");
            result.AssertSingleError("Unavailable", "GetLoomcycleHookCommand", ErrorCategory.ResourceUnavailable, null);
        }
    }
}
