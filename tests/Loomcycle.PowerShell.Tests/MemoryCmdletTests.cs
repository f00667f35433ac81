using System;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>Get-LoomcycleMemoryScope, -MemoryScopeId and -Memory, and the ValueObject view.</summary>
    public sealed class MemoryCmdletTests : IClassFixture<ServerAndSession>
    {
        private readonly ServerAndSession _fixture;

        public MemoryCmdletTests(ServerAndSession fixture)
        {
            _fixture = fixture;
            _fixture.Server.Reset();
        }

        [Fact]
        public void ScopesAndScopeIdsChainThroughThePipeline()
        {
            _fixture.Server.State.AddMemory("agent", "planner", "k1", "1");
            _fixture.Server.State.AddMemory("user", "u1", "k1", "2");

            var result = _fixture.Session.Run("Get-LoomcycleMemoryScope | Get-LoomcycleMemoryScopeId").ThrowIfErrors();

            Assert.Equal(
                new[] { "GET /v1/_memory/scopes", "GET /v1/_memory/scopes/agent", "GET /v1/_memory/scopes/user", "GET /v1/_memory/scopes/tenant" },
                _fixture.Server.Wire());
            Assert.Equal(new[] { "agent/planner", "user/u1" }, result.Output.Select(o => o.Str("Scope") + "/" + o.Str("ScopeId")));
            Assert.All(result.Output, o => Assert.Equal("Loomcycle.MemoryScopeId", o.TypeName()));
            Assert.Equal(1L, result.Output[0].Prop("KeyCount"));
        }

        [Fact]
        public void ScopeIdsPipeIntoGetMemory()
        {
            _fixture.Server.State.AddMemory("agent", "planner", "notes/a", "{\"n\":1}");
            _fixture.Server.State.AddMemory("agent", "writer", "style", "\"terse\"");

            var result = _fixture.Session.Run("Get-LoomcycleMemoryScopeId -Scope agent | Get-LoomcycleMemory").ThrowIfErrors();

            var wire = _fixture.Server.Wire();
            Assert.Equal("GET /v1/_memory/scopes/agent", wire[0]);
            Assert.Equal(
                new[] { "GET /v1/_memory/scopes/agent/planner/keys", "GET /v1/_memory/scopes/agent/writer/keys" },
                wire.Skip(1).OrderBy(x => x, StringComparer.Ordinal));
            Assert.Equal(3, wire.Count);
            Assert.Equal(new[] { "planner:notes/a", "writer:style" }, result.Output.Select(o => o.Str("ScopeId") + ":" + o.Str("Key")).OrderBy(x => x, StringComparer.Ordinal));
        }

        [Fact]
        public void ListSendsPrefixAndLimitAndWarnsWhenTruncated()
        {
            for (int i = 0; i < 3; i++)
            {
                _fixture.Server.State.AddMemory("user", "u1", "prefs/" + i, i.ToString());
            }

            var result = _fixture.Session.Run("Get-LoomcycleMemory user u1 -Prefix prefs/ -Limit 2").ThrowIfErrors();

            Assert.Equal(new[] { "GET /v1/_memory/scopes/user/u1/keys?prefix=prefs%2F&limit=2" }, _fixture.Server.Wire());
            Assert.Equal(new[] { "prefs/0", "prefs/1" }, result.Output.Select(o => o.Str("Key")));
            Assert.Contains("user/u1", Assert.Single(result.Warnings));
        }

        [Fact]
        public void NoWarningWhenEverythingFits()
        {
            _fixture.Server.State.AddMemory("user", "u1", "a", "1");
            var result = _fixture.Session.Run("Get-LoomcycleMemory user u1").ThrowIfErrors();
            Assert.Single(result.Output);
            Assert.Empty(result.Warnings);
        }

        [Fact]
        public void AKeyWithASlashIsOneSegmentAndTheValueKeepsItsExactJson()
        {
            const string value = "{\"b\": [1, 2.5, \"x\"], \"a\": {\"deep\": true}, \"big\": 123456789012345678901234}";
            _fixture.Server.State.AddMemory("user", "u1", "prefs/theme", value);

            var result = _fixture.Session.Run(
                "$e = Get-LoomcycleMemory -Scope user -ScopeId u1 -Key prefs/theme; $e; " +
                "$v = $e.ValueObject; $v.b.Count; $v.b[1].GetType().Name; $v.a.deep; $v.big.GetType().Name; $e.ExpiresAt -eq $null").ThrowIfErrors();

            Assert.Equal(new[] { "GET /v1/_memory/scopes/user/u1/keys/prefs%2Ftheme" }, _fixture.Server.Wire());
            PSObject entry = result.Output[0];
            Assert.Equal("Loomcycle.MemoryEntry", entry.TypeName());
            // The server sends values compacted; the client keeps that text unchanged (the 24-digit number included).
            Assert.Equal("{\"b\":[1,2.5,\"x\"],\"a\":{\"deep\":true},\"big\":123456789012345678901234}", entry.Str("Value"));
            Assert.Equal(new object[] { 3, "Double", true, "Decimal", true }, result.Output.Skip(1).Select(o => o.BaseObject));
        }

        [Fact]
        public void AOneItemArrayValueStaysAnArray()
        {
            _fixture.Server.State.AddMemory("user", "u1", "list", "[42]");
            var result = _fixture.Session.Run("$v = (Get-LoomcycleMemory user u1 -Key list).ValueObject; $v.GetType().Name; $v[0].GetType().Name").ThrowIfErrors();
            Assert.Equal(new[] { "Object[]", "Int64" }, result.Output.Select(o => o.ToString()));
        }

        [Fact]
        public void AMissingKeyInTheAgentScopeIsNotFoundNotAgentNotFound()
        {
            var result = _fixture.Session.Run("Get-LoomcycleMemory agent planner -Key nope");
            ErrorRecord error = result.AssertSingleError("NotFound", "GetLoomcycleMemoryCommand", ErrorCategory.ObjectNotFound, "nope");
            Assert.Equal("not_found", error.ExceptionProperty("Code"));
            Assert.Equal("Loomcycle.NotFoundException", error.Exception.GetType().FullName);
        }

        [Fact]
        public void AnUnavailableStoreIsResourceUnavailableForTheScopeId()
        {
            _fixture.Server.Enqueue("GET", "/v1/_memory/scopes/user/u1/keys", Faults.Json(503, "store_unavailable", "store not configured; Memory admin requires a persistent store"));
            var result = _fixture.Session.Run("Get-LoomcycleMemory user u1");
            result.AssertSingleError("Unavailable", "GetLoomcycleMemoryCommand", ErrorCategory.ResourceUnavailable, "u1");
        }

        [Fact]
        public void AScopeInAnyCaseIsSentInTheServersCase()
        {
            // ValidateSet ignores case; the engine and the server take only lower case: -Scope User was refused after binding.
            _fixture.Server.State.AddMemory("user", "u1", "prefs/theme", "1");
            var result = _fixture.Session.Run("Get-LoomcycleMemory -Scope User -ScopeId u1 -Key prefs/theme").ThrowIfErrors();
            Assert.Equal(new[] { "GET /v1/_memory/scopes/user/u1/keys/prefs%2Ftheme" }, _fixture.Server.Wire());
            Assert.Equal("1", Assert.Single(result.Output).Str("Value"));
        }

        [Fact]
        public void ScopeIsAValidateSetAndBadLimitsFailBeforeSending()
        {
            var result = _fixture.Session.Run("Get-LoomcycleMemoryScopeId -Scope team; Get-LoomcycleMemory user u1 -Limit 1001; Get-LoomcycleMemory user '..'");
            Assert.Empty(_fixture.Server.Requests);
            var errors = result.AllErrors.ToList();
            Assert.Equal(3, errors.Count);
            Assert.StartsWith("ParameterArgumentValidationError", errors[0].FullyQualifiedErrorId);
            Assert.StartsWith("ParameterArgumentValidationError", errors[1].FullyQualifiedErrorId);
            CmdletTestHelpers.AssertError(errors[2], "InvalidArgument", "GetLoomcycleMemoryCommand", ErrorCategory.InvalidArgument, "..");
        }

        [Fact]
        public void ScopesFromAServerWithoutAStoreAreUnavailable()
        {
            _fixture.Server.Enqueue("GET", "/v1/_memory/scopes", Faults.Json(503, "store_unavailable", "store not configured"));
            var result = _fixture.Session.Run("Get-LoomcycleMemoryScope");
            result.AssertSingleError("Unavailable", "GetLoomcycleMemoryScopeCommand", ErrorCategory.ResourceUnavailable, null);
        }

        [Fact]
        public void ToolCallInputIsReadableAsObjectsBesideItsExactJson()
        {
            var result = _fixture.Session.Run(
                "$call = @(Invoke-LoomcycleRun -Agent tools -Prompt x | Where-Object Type -eq tool_call)[0]; " +
                "$call.ToolUse.Input; $call.ToolUse.InputObject.max_bytes; $call.ToolUse.InputObject.max_bytes.GetType().Name").ThrowIfErrors();
            Assert.Equal(4096L, JsonDocument.Parse(result.Output[0].ToString()).RootElement.GetProperty("max_bytes").GetInt64());
            Assert.Equal(new object[] { 4096L, "Int64" }, result.Output.Skip(1).Select(o => o.BaseObject));
        }
    }
}
