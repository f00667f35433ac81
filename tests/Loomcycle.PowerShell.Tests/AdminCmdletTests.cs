using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>The administration cmdlets (issue 11) against the fake server: wire, objects, typed errors.</summary>
    public sealed class AdminCmdletTests : IClassFixture<ServerAndSession>
    {
        private const string TenantSecret = "lct_tenant_scoped_test_token_0001";
        private const string MemberSecret = "lct_member_scoped_test_token_0002";
        private readonly ServerAndSession _fixture;

        public AdminCmdletTests(ServerAndSession fixture)
        {
            _fixture = fixture;
            _fixture.Server.Reset();
        }

        private FakeLoomcycleServer Server => _fixture.Server;

        private PowerShellResult Run(string script) => _fixture.Session.Run(script);

        /// <summary>Runs <paramref name="script"/> with $t, a connection holding a substrate:tenant token of tenant 'acme'.</summary>
        private PowerShellResult AsTenant(string script, string secret = TenantSecret)
        {
            Server.State.AddBearer(new BearerRecord { Secret = TenantSecret, Name = "acme-ops", TenantId = "acme", Subject = "ops", Scopes = new[] { "substrate:tenant" }, Kind = "operator" });
            Server.State.AddBearer(new BearerRecord { Secret = MemberSecret, Name = "u-carol", TenantId = "acme", Subject = "carol", Scopes = new[] { "runs:create", "runs:read" }, Kind = "user" });
            var secure = new System.Security.SecureString();
            foreach (char c in secret) secure.AppendChar(c);
            return _fixture.Session.Run(
                $"$t = Connect-Loomcycle -BaseUrl '{Server.BaseUri}' -Token $secret -PassThru -NoDefault -MaximumRetryCount 0\n" + script,
                new Dictionary<string, object?> { ["secret"] = secure });
        }

        private JsonElement Body(int index = 0) => JsonDocument.Parse(Server.Requests[index].Body).RootElement;

        // ---- identity, configuration, discovery ----

        [Fact]
        public void IdentityConfigurationAndRunnableAgents()
        {
            var me = Run("Get-LoomcycleIdentity").ThrowIfErrors();
            PSObject identity = Assert.Single(me.Output);
            Assert.Equal("Loomcycle.Identity", identity.TypeName());
            Assert.Equal(true, identity.Prop("IsAdmin"));
            Assert.Equal(true, identity.Prop("OpenMode"));

            var tenant = AsTenant("Get-LoomcycleIdentity -Connection $t").ThrowIfErrors();
            Assert.Equal("acme", tenant.Output.Single().Str("TenantId"));
            Assert.Equal(false, tenant.Output.Single().Prop("IsAdmin"));

            Server.ClearRequests();
            var config = Run("Get-LoomcycleServerConfiguration").ThrowIfErrors();
            Assert.Equal(new[] { "GET /v1/config" }, Server.Wire());
            Assert.Equal("v1.59.0", PSObject.AsPSObject(config.Output.Single().Prop("Instance")!).Str("Version"));

            var agents = Run("Get-LoomcycleRunnableAgent -Name zz-*").ThrowIfErrors();
            Assert.Equal("tenant", Assert.Single(agents.Output).Str("Source"));
        }

        // ---- users ----

        [Fact]
        public void NewSetGetRemoveUserOnTheWire()
        {
            var created = Run("New-LoomcycleUser -Subject alice -DisplayName 'Alice L' -AccessMode isolated").ThrowIfErrors();
            Assert.Equal("POST /v1/_users", Server.Wire()[0]);
            Assert.Equal("{\"subject\":\"alice\",\"display_name\":\"Alice L\",\"access_mode\":\"isolated\"}", Server.Requests[0].BodyText);
            Assert.Equal("isolated", created.Output.Single().Str("AccessMode"));
            Assert.Equal("Loomcycle.UserAccount", created.Output.Single().TypeName());

            Run("New-LoomcycleUser -Subject alice").AssertSingleError("UserExists", "NewLoomcycleUserCommand", ErrorCategory.ResourceExists, "alice");

            Server.ClearRequests();
            Assert.Empty(Run("Set-LoomcycleUser -Subject alice -Status disabled").ThrowIfErrors().Output);
            Assert.Equal(new[] { "PATCH /v1/_users/alice" }, Server.Wire());
            Assert.Equal("{\"status\":\"disabled\"}", Server.Requests[0].BodyText);
            Assert.Equal("tenant", Run("Set-LoomcycleUser alice -AccessMode tenant -PassThru").ThrowIfErrors().Output.Single().Str("AccessMode"));

            Run("Set-LoomcycleUser -Subject ghost -Status active").AssertSingleError("UserNotFound", "SetLoomcycleUserCommand", ErrorCategory.ObjectNotFound, "ghost");

            Server.ClearRequests();
            Run("Remove-LoomcycleUser -Subject 'a b/c' -Force").AssertSingleError("UserNotFound", "RemoveLoomcycleUserCommand", ErrorCategory.ObjectNotFound, "a b/c");
            Assert.Equal(new[] { "DELETE /v1/_users/a%20b%2Fc" }, Server.Wire());
            Run("Remove-LoomcycleUser -Subject alice -Force").ThrowIfErrors();
            Assert.Empty(Server.State.UserAccounts);
        }

        [Fact]
        public void RemoveUserWhatIfSendsNothing()
        {
            Server.State.AddUserAccount(new UserAccountRecord { Subject = "alice" });
            Run("Remove-LoomcycleUser -Subject alice -Force -WhatIf").ThrowIfErrors();
            Assert.Empty(Server.Requests);
        }

        [Fact]
        public void DirectoryViewNeedsTheTenantForAnAdminAndSaysSo()
        {
            Server.State.AddAgent(new AgentRecord { AgentId = "a_1", RunId = "r_1", SessionId = "s_1", UserId = "alice", TenantId = "default", Status = "completed" });
            var error = Run("Get-LoomcycleUser -Subject alice").AssertSingleError("TenantRequired", "GetLoomcycleUserCommand", ErrorCategory.InvalidArgument, "alice");
            Assert.Contains("must name the tenant", error.Exception.Message);
            Assert.Contains("-Tenant", error.ErrorDetails.RecommendedAction);
            Assert.Equal("tenant_required", error.ExceptionProperty("Code"));

            Server.ClearRequests();
            var entry = Run("Get-LoomcycleUser -Subject alice -Tenant ''").ThrowIfErrors().Output.Single();
            Assert.Equal(new[] { "GET /v1/_users/alice?tenant=" }, Server.Wire());
            Assert.Equal("Loomcycle.UserDirectoryEntry", entry.TypeName());
            Assert.Equal(1, PSObject.AsPSObject(entry.Prop("Activity")!).Prop("TotalCount"));

            // A tenant token names no tenant; a member token is carved out of this route (403).
            AsTenant("Get-LoomcycleUser -Connection $t -Subject alice").ThrowIfErrors();
            AsTenant("Get-LoomcycleUser -Connection $t -Subject alice", MemberSecret)
                .AssertSingleError("Auth", "GetLoomcycleUserCommand", ErrorCategory.PermissionDenied, "alice");
        }

        [Fact]
        public void TenantsAreAdminOnly()
        {
            Server.State.AddAgent(new AgentRecord { AgentId = "a_1", RunId = "r_1", SessionId = "s_1", UserId = "alice", TenantId = "acme", Status = "completed" });
            var result = Run("Get-LoomcycleTenant -Verbose").ThrowIfErrors();
            Assert.Equal("acme", result.Output.Single().Str("Tenant"));
            Assert.Contains(result.Verbose, v => v.Contains("derived from runs"));

            var denied = AsTenant("Get-LoomcycleTenant -Connection $t").AssertSingleError("Auth", "GetLoomcycleTenantCommand", ErrorCategory.PermissionDenied, "/v1/_tenants");
            Assert.Contains("insufficient scope", denied.Exception.Message);
        }

        // ---- tokens ----

        [Fact]
        public void MintedUserTokenIsASecureStringAndWorksAsABearer()
        {
            Server.State.AddUserAccount(new UserAccountRecord { Subject = "alice" });
            var minted = Run("New-LoomcycleUserToken -Subject alice").ThrowIfErrors().Output.Single();
            Assert.Equal("POST /v1/_users/alice/tokens", Server.Wire().Single());
            Assert.Empty(Server.Requests[0].Body);
            PSObject token = minted;
            Assert.IsType<System.Security.SecureString>(token.Prop("Token"));
            Assert.Null(token.Prop("PlainTextToken"));
            Assert.Null(token.Prop("AdditionalProperties"));
            string secret = Server.State.Bearers.Single().Secret;
            Assert.DoesNotContain(secret, minted.ToString());
            Assert.Equal(token.Str("DefId"), minted.ToString());

            var plain = Run("New-LoomcycleUserToken -Subject alice -AsPlainText").ThrowIfErrors().Output.Single();
            Assert.Equal(Server.State.Bearers.Last().Secret, plain.Str("PlainTextToken"));

            // The minted token authenticates (the fake honours it like the server).
            Assert.Equal("alice", Run("(Connect-Loomcycle -BaseUrl $u -Token $t.Token -PassThru -NoDefault | ForEach-Object { Get-LoomcycleIdentity -Connection $_ }).Subject"
                .Replace("$u", "'" + Server.BaseUri + "'").Replace("$t", "(New-LoomcycleUserToken alice)")).ThrowIfErrors().Output.Single().ToString());
        }

        [Fact]
        public void ListAndRevokeUserTokens()
        {
            Server.State.AddUserAccount(new UserAccountRecord { Subject = "alice" });
            Run("1..2 | ForEach-Object { New-LoomcycleUserToken alice } | Out-Null").ThrowIfErrors();
            string first = Server.State.Bearers[0].DefId;
            Server.ClearRequests();
            Run($"Revoke-LoomcycleUserToken -Subject alice -DefId {first}").ThrowIfErrors();
            Assert.Equal(new[] { $"DELETE /v1/_users/alice/tokens/{first}" }, Server.Wire());

            var all = Run("Get-LoomcycleUserToken -Subject alice").ThrowIfErrors();
            Assert.Equal(2, all.Output.Count);
            Assert.All(all.Output, o => Assert.Null(o.Prop("Token")));
            var active = Run("Get-LoomcycleUserToken -Subject alice -Active").ThrowIfErrors();
            Assert.Single(active.Output);

            var passThru = Run("Get-LoomcycleUserToken alice -Active | Revoke-LoomcycleUserToken -PassThru").ThrowIfErrors();
            Assert.NotNull(passThru.Output.Single().Prop("RetiredAt"));
            Run("Revoke-LoomcycleUserToken -Subject alice -DefId def_nope").AssertSingleError("TokenNotFound", "RevokeLoomcycleUserTokenCommand", ErrorCategory.ObjectNotFound, "def_nope");
        }

        [Fact]
        public void DisablingAUserRetiresItsTokensAndBlocksMinting()
        {
            Server.State.AddUserAccount(new UserAccountRecord { Subject = "alice" });
            Run("New-LoomcycleUserToken alice | Out-Null; Set-LoomcycleUser alice -Status disabled").ThrowIfErrors();
            Assert.Empty(Run("Get-LoomcycleUserToken alice -Active").ThrowIfErrors().Output);
            var error = Run("New-LoomcycleUserToken alice").AssertSingleError("UserDisabled", "NewLoomcycleUserTokenCommand", ErrorCategory.InvalidOperation, "alice");
            Assert.Contains("Set-LoomcycleUser", error.ErrorDetails.RecommendedAction); // the PowerShell advice, beside the server's message
        }

        [Fact]
        public void OperatorTokenLifecycle()
        {
            var created = Run("New-LoomcycleOperatorToken -Name ci -TenantId acme -Scope runs:create, runs:read").ThrowIfErrors().Output.Single();
            JsonElement body = Body();
            Assert.Equal("create", body.GetProperty("op").GetString());
            Assert.Equal("acme", body.GetProperty("tenant_id").GetString());
            Assert.Equal(2, body.GetProperty("scopes").GetArrayLength());
            PSObject token = created;
            Assert.NotNull(token.Prop("Token"));
            Assert.Equal(new[] { "runs:create", "runs:read" }, (string[])token.Prop("AllowedScopes")!);

            Server.ClearRequests();
            PSObject rotated = Run("Update-LoomcycleOperatorToken -Name ci -GraceSec 60 -AsPlainText").ThrowIfErrors().Output.Single();
            Assert.Equal("{\"op\":\"rotate\",\"name\":\"ci\",\"grace_seconds\":60}", Server.Requests[0].BodyText);
            Assert.Equal(token.Str("DefId"), rotated.Str("RotatedFrom"));
            Assert.NotNull(rotated.Prop("PriorRetiresAt"));
            Assert.Equal(Server.State.Bearers.Last().Secret, rotated.Str("PlainTextToken"));

            Assert.Equal(2, Run("Get-LoomcycleOperatorToken -Name ci").ThrowIfErrors().Output.Count);
            Assert.Equal(token.Str("DefId"), Run($"Get-LoomcycleOperatorToken -DefId {token.Str("DefId")}").ThrowIfErrors().Output.Single().Str("DefId"));
            var names = Run("Get-LoomcycleOperatorToken").ThrowIfErrors().Output.Single();
            Assert.Equal("Loomcycle.OperatorTokenName", names.TypeName());
            Assert.Equal(2, names.Prop("TokenCount"));

            // A piped token object (it has Name and DefId) is rotated by its DefId: once per object, that token.
            Server.ClearRequests();
            PSObject again = Run($"Get-LoomcycleOperatorToken -DefId {rotated.Str("DefId")} | Update-LoomcycleOperatorToken -GraceSec 0").ThrowIfErrors().Output.Single();
            Assert.Equal($"{{\"op\":\"rotate\",\"def_id\":\"{rotated.Str("DefId")}\",\"grace_seconds\":0}}", Server.Requests.Last().BodyText);
            Assert.Equal(rotated.Str("DefId"), again.Str("RotatedFrom"));
            rotated = again;

            Server.ClearRequests();
            Run($"Revoke-LoomcycleOperatorToken -DefId {rotated.Str("DefId")} -Force").ThrowIfErrors();
            Assert.Equal($"{{\"op\":\"retire\",\"def_id\":\"{rotated.Str("DefId")}\"}}", Server.Requests[0].BodyText);

            Run("New-LoomcycleOperatorToken -Name 'bad name' -TenantId acme").AssertSingleError("InvalidArgument", "NewLoomcycleOperatorTokenCommand", ErrorCategory.InvalidArgument, "bad name");
            Assert.Single(Server.Requests); // refused before sending
            AsTenant("Get-LoomcycleOperatorToken -Connection $t").AssertSingleError("Auth", "GetLoomcycleOperatorTokenCommand", ErrorCategory.PermissionDenied, "/v1/_operatortokendef/names");
        }

        [Fact]
        public void AnOperatorTokenMayKeepTheOperatorsProviderKey()
        {
            // providers:operator-key is in the server's scope catalog: a narrow token under LOOMCYCLE_OPERATOR_KEY_RESTRICTION needs it.
            Run("New-LoomcycleOperatorToken -Name narrow -TenantId acme -Scope runs:create, providers:operator-key").ThrowIfErrors();
            Assert.Equal("[\"runs:create\",\"providers:operator-key\"]", Server.Requests.Last().Json!.Value.GetProperty("scopes").GetRawText());
        }

        [Fact]
        public void PipingEveryTokenOfANameRotatesOnlyTheCurrentOneAndRevivesNone()
        {
            // The server rotates any row by def_id and sets its retirement to now + grace: piping all of a name's tokens used
            // to make each retired one valid again for a day, and mint a live secret per row.
            Run("New-LoomcycleOperatorToken -Name ops -TenantId acme").ThrowIfErrors();
            Run("Update-LoomcycleOperatorToken -Name ops -GraceSec 0").ThrowIfErrors();    // the first: retired at once
            Run("Update-LoomcycleOperatorToken -Name ops -GraceSec 3600").ThrowIfErrors(); // the second: in its grace period
            BearerRecord[] before = Server.State.Bearers.Where(b => b.Name == "ops").ToArray();
            Server.ClearRequests();

            var result = Run("Get-LoomcycleOperatorToken -Name ops | Update-LoomcycleOperatorToken");

            Assert.Equal(before[2].DefId, Assert.Single(result.Output).Str("RotatedFrom"));
            ErrorRecord[] errors = result.AllErrors.ToArray();
            Assert.Equal(2, errors.Length);
            CmdletTestHelpers.AssertError(errors.Single(e => Equals(e.TargetObject, before[0].DefId)), "InvalidArgument", "UpdateLoomcycleOperatorTokenCommand", ErrorCategory.InvalidArgument, before[0].DefId);
            Assert.Contains("was retired at", errors.Single(e => Equals(e.TargetObject, before[0].DefId)).Exception.Message);
            Assert.Contains("was replaced and retires at", errors.Single(e => Equals(e.TargetObject, before[1].DefId)).Exception.Message);
            Assert.Single(Server.Requests, r => r.BodyText.Contains("\"op\":\"rotate\"", StringComparison.Ordinal));
            Assert.False(before[0].IsActive(DateTimeOffset.UtcNow)); // still retired
        }

        [Fact]
        public void RetiringTheLastAdminTokenIsATypedExplainedError()
        {
            Server.State.LegacyAdminFallback = false;
            string adminId = Run("New-LoomcycleOperatorToken -Name root -TenantId default").ThrowIfErrors().Output.Single().Str("DefId")!;
            var error = Run($"Revoke-LoomcycleOperatorToken -DefId {adminId} -Confirm:$false")
                .AssertSingleError("ToolRefused", "RevokeLoomcycleOperatorTokenCommand", ErrorCategory.InvalidOperation, adminId);
            Assert.Equal(422, error.ExceptionProperty("StatusCode"));
            Assert.Equal("tool_refused", error.ExceptionProperty("Code"));
            Assert.Contains("last admin", error.Exception.Message);
            Assert.Contains("create or rotate another", error.ErrorDetails.RecommendedAction);
        }

        // ---- usage and limits ----

        [Fact]
        public void UsageSendsTheWindowAndWritesCsvReadyRows()
        {
            var day = new DateTimeOffset(2026, 11, 5, 12, 0, 0, TimeSpan.Zero);
            Server.State.AddUsage(new UsageRecord { UserId = "alice", At = day, InputTokens = 100, OutputTokens = 10, Cost = 1.5m, Currency = "USD" });
            Server.State.AddUsage(new UsageRecord { UserId = "alice", At = day, InputTokens = 50, OutputTokens = 5, Cost = 2m, Currency = "EUR" });
            Server.State.AddUsage(new UsageRecord { UserId = "bob", At = day.AddMonths(1), InputTokens = 7, Cost = 9m });
            var from = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
            var to = new DateTime(2026, 11, 30, 23, 59, 59, DateTimeKind.Utc);
            var result = _fixture.Session.Run("Get-LoomcycleUsage -GroupBy user, model -From $from -To $to", new Dictionary<string, object?> { ["from"] = from, ["to"] = to }).ThrowIfErrors();
            Assert.Equal(new[] { "GET /v1/_usage?group_by=user%2Cmodel&from=2026-11-01T00%3A00%3A00Z&to=2026-11-30T23%3A59%3A59Z" }, Server.Wire());
            Assert.Equal(2, result.Output.Count); // one row per currency, never summed across
            Assert.Equal(new[] { "EUR", "USD" }, result.Output.Select(o => o.Str("Currency")).OrderBy(c => c));
            Assert.All(result.Output, o => Assert.Equal(new DateTimeOffset(from), o.Prop("From")));

            // Export-Csv writes exactly these columns (the CSV file itself is checked by the Pester suite in the real pwsh).
            string columns = Run("(Get-LoomcycleUsage -GroupBy user)[0].psobject.Properties.Name -join ','").ThrowIfErrors().Output.Single().ToString();
            Assert.Equal("From,To,TenantId,UserId,Provider,Model,CredentialSource,InputTokens,OutputTokens,CacheCreationTokens,CacheReadTokens,Cost,Currency,CallCount,UnpricedCalls", columns);

            Server.ClearRequests();
            Run("Get-LoomcycleUsage -From 2026-12-01 -To 2026-11-01").AssertSingleError("InvalidArgument", "GetLoomcycleUsageCommand", ErrorCategory.InvalidArgument, "/v1/_usage");
            Assert.Empty(Server.Requests);
        }

        [Fact]
        public void SetLimitKeepsTheTierNotNamed()
        {
            Server.State.AddLimit(new LimitRecord { Scope = "user", ScopeId = "alice", SoftLimit = 800, HardLimit = 1000 });
            Run("Set-LoomcycleLimit -Scope user -ScopeId alice -HardLimit 2000").ThrowIfErrors();
            Assert.Equal(new[] { "GET /v1/_limits", "PUT /v1/_limits" }, Server.Wire());
            Assert.Equal("{\"tenant_id\":\"default\",\"scope\":\"user\",\"scope_id\":\"alice\",\"soft_limit\":800,\"hard_limit\":2000}", Server.Requests[1].BodyText);
            LimitRecord row = Server.State.Limits.Single();
            Assert.Equal(800, row.SoftLimit);
            Assert.Equal(2000, row.HardLimit);

            Server.ClearRequests();
            var cleared = Run("Set-LoomcycleLimit -Scope user -ScopeId alice -SoftLimit $null -PassThru").ThrowIfErrors().Output.Single();
            Assert.Equal("{\"tenant_id\":\"default\",\"scope\":\"user\",\"scope_id\":\"alice\",\"hard_limit\":2000}", Server.Requests[1].BodyText);
            Assert.Null(cleared.Prop("SoftLimit"));

            Server.ClearRequests();
            Run("Set-LoomcycleLimit -Scope user -ScopeId alice -SoftLimit 5 -Replace").ThrowIfErrors();
            Assert.Equal(new[] { "PUT /v1/_limits" }, Server.Wire());
            Assert.Null(Server.State.Limits.Single().HardLimit); // -Replace: the server cleared the omitted tier

            Server.ClearRequests();
            Run("Set-LoomcycleLimit -Scope user -ScopeId alice -HardLimit 1 -WhatIf").ThrowIfErrors();
            Assert.Equal(new[] { "GET /v1/_limits" }, Server.Wire());
        }

        [Fact]
        public void SetLimitWritesTheBudgetWhereItReadIt()
        {
            // An admin token without -TenantId read acme's budget (every tenant is visible) and wrote the default tenant's:
            // acme's stayed as it was, and a second budget appeared.
            Server.State.AddLimit(new LimitRecord { TenantId = "acme", Scope = "user", ScopeId = "alice", SoftLimit = 800, HardLimit = 1000 });

            Run("Set-LoomcycleLimit -Scope user -ScopeId alice -HardLimit 2000000").ThrowIfErrors();

            Assert.Equal("{\"tenant_id\":\"acme\",\"scope\":\"user\",\"scope_id\":\"alice\",\"soft_limit\":800,\"hard_limit\":2000000}", Server.Requests.Last().BodyText);
            LimitRecord row = Server.State.Limits.Single();
            Assert.Equal("acme", row.TenantId);
            Assert.Equal(2000000, row.HardLimit);
        }

        [Fact]
        public void SetLimitInMoreThanOneTenantAdvisesTenantIdOrBothTiers()
        {
            Server.State.AddLimit(new LimitRecord { Scope = "user", ScopeId = "alice", HardLimit = 1000 });
            Server.State.AddLimit(new LimitRecord { TenantId = "acme", Scope = "user", ScopeId = "alice", HardLimit = 5 });

            ErrorRecord error = Run("Set-LoomcycleLimit -Scope user -ScopeId alice -SoftLimit 10").AssertSingleError("InvalidArgument", "SetLoomcycleLimitCommand", ErrorCategory.InvalidArgument, "alice");

            Assert.Equal(new[] { "GET /v1/_limits" }, Server.Wire());
            Assert.Contains("2 tenants have a user budget for alice", error.Exception.Message);
            Assert.DoesNotContain("-TenantId", error.Exception.Message);
            Assert.Contains("-TenantId", error.ErrorDetails.RecommendedAction);
        }

        [Fact]
        public void LimitErrorsAndRemove()
        {
            ErrorRecord noId = Run("Set-LoomcycleLimit -Scope user -HardLimit 5").AssertSingleError("InvalidArgument", "SetLoomcycleLimitCommand", ErrorCategory.InvalidArgument, "user");
            Assert.DoesNotContain("-ScopeId", noId.Exception.Message);
            Assert.Equal("Add -ScopeId with the user's subject.", noId.ErrorDetails.RecommendedAction);
            ErrorRecord extraId = Run("Remove-LoomcycleLimit -Scope tenant -ScopeId bob -Confirm:$false").AssertSingleError("InvalidArgument", "RemoveLoomcycleLimitCommand", ErrorCategory.InvalidArgument, "bob");
            Assert.Contains("takes no scope id", extraId.Exception.Message);
            Assert.Contains("Leave out -ScopeId", extraId.ErrorDetails.RecommendedAction);
            Run("Set-LoomcycleLimit -Scope tenant").AssertSingleError("NoLimitGiven", "SetLoomcycleLimitCommand", ErrorCategory.InvalidArgument, "tenant");
            Run("Set-LoomcycleLimit -Scope tenant -HardLimit -1 -Replace").AssertSingleError("InvalidArgument", "SetLoomcycleLimitCommand", ErrorCategory.InvalidArgument, "tenant");
            Assert.Empty(Server.Requests);
            AsTenant("Set-LoomcycleLimit -Connection $t -Scope operator -HardLimit 5 -Replace").AssertSingleError("Auth", "SetLoomcycleLimitCommand", ErrorCategory.PermissionDenied, "operator");
            AsTenant("Set-LoomcycleLimit -Connection $t -Scope tenant -TenantId other -HardLimit 5 -Replace").AssertSingleError("Auth", "SetLoomcycleLimitCommand", ErrorCategory.PermissionDenied, "tenant");

            Server.State.AddLimit(new LimitRecord { Scope = "user", ScopeId = "alice", HardLimit = 1 });
            var listed = Run("Get-LoomcycleLimit -Scope user").ThrowIfErrors();
            Assert.Equal("alice", listed.Output.Single().Str("ScopeId"));
            Server.ClearRequests();
            Run("Get-LoomcycleLimit -Scope user | Remove-LoomcycleLimit -Confirm:$false").ThrowIfErrors();
            Assert.Equal("DELETE /v1/_limits?scope=user&scope_id=alice&tenant=default", Server.Wire()[1]);
            Assert.Empty(Server.State.Limits);
        }

        // ---- erasure ----

        [Fact]
        public void ErasureReportDryRunAndLiveRun()
        {
            Server.State.AddAgent(new AgentRecord { AgentId = "a_1", RunId = "r_1", SessionId = "s_1", UserId = "alice", Status = "completed" });
            Server.State.AddUserAccount(new UserAccountRecord { Subject = "alice" });
            PSObject report = Run("Get-LoomcycleErasureReport -Subject alice -Tenant ''").ThrowIfErrors().Output.Single();
            Assert.Equal(new[] { "GET /v1/_erasure?subject=alice&tenant=" }, Server.Wire());
            Assert.Equal(2L, PSObject.AsPSObject(report.Prop("Covered")!).Prop("Total"));
            Run("Get-LoomcycleErasureReport -Subject alice").AssertSingleError("TenantRequired", "GetLoomcycleErasureReportCommand", ErrorCategory.InvalidArgument, "alice");

            Server.ClearRequests();
            PSObject dry = Run("Invoke-LoomcycleErasure -Subject alice -Tenant '' -DryRun").ThrowIfErrors().Output.Single();
            Assert.Equal("{\"subject\":\"alice\",\"dry_run\":true}", Server.Requests[0].BodyText);
            Assert.Equal(true, dry.Prop("DryRun"));
            Assert.Single(Server.State.Agents);

            Server.ClearRequests();
            Run("Invoke-LoomcycleErasure -Subject alice -Tenant '' -WhatIf").ThrowIfErrors();
            Assert.Empty(Server.Requests);

            PSObject live = Run("Invoke-LoomcycleErasure -Subject alice -Tenant '' -Force").ThrowIfErrors().Output.Single();
            Assert.Equal("POST /v1/_erasure?tenant=", Server.Wire().Single());
            Assert.Equal("{\"subject\":\"alice\",\"dry_run\":false,\"confirm\":\"alice\"}", Server.Requests[0].BodyText);
            Assert.Equal(false, live.Prop("DryRun"));
            Assert.Equal(1L, ((System.Collections.IDictionary)live.Prop("Deleted")!)["runs"]);
            Assert.NotNull(live.Prop("Retained"));
            Assert.NotNull(live.Prop("ExecutedAt"));
            Assert.Equal(Server.BaseUri, live.Prop("Server"));
            Assert.StartsWith("{\"tenant\":\"default\",\"subject\":\"alice\",\"dry_run\":false", live.Str("Json"));
            Assert.Empty(Server.State.Agents);

            // The archived object round-trips through CLIXML with everything in it.
            string clixml = Run("Invoke-LoomcycleErasure -Subject bob -Tenant '' -Force | ForEach-Object { [System.Management.Automation.PSSerializer]::Serialize($_, 4) }").ThrowIfErrors().Output.Single().ToString();
            Assert.Contains("retained by design", clixml);
            Assert.Contains("Residue", clixml);
        }

        [Fact]
        public void ErasureWithoutAuditSinkIsUnavailable()
        {
            Server.State.AuditSinkConfigured = false;
            var error = Run("Invoke-LoomcycleErasure -Subject alice -Tenant '' -Confirm:$false").AssertSingleError("Unavailable", "InvokeLoomcycleErasureCommand", ErrorCategory.ResourceUnavailable, "alice");
            Assert.Contains("LOOMCYCLE_AUDIT_LOG_PATH", error.Exception.Message);
        }

        // ---- audit and observability ----

        [Fact]
        public void AuditEventsPageByThemselvesWithFirstAndSkip()
        {
            for (int i = 1; i <= 7; i++) Server.State.AddAuditEvent(i % 2 == 0 ? "even" : "odd", $"{{\"n\":{i}}}");
            var all = Run("Get-LoomcycleAuditEvent -PageSize 3").ThrowIfErrors();
            Assert.Equal(new long[] { 7, 6, 5, 4, 3, 2, 1 }, all.Output.Select(o => (long)o.Prop("Seq")!));
            string[] wire = Server.Wire().ToArray();
            Assert.Equal("GET /v1/_events?limit=3&offset=0", wire[0]);
            // Later pages hold the window at the first page's newest event (see below).
            Assert.Equal(new[] { "GET /v1/_events?to=", "GET /v1/_events?to=" }, wire.Skip(1).Select(w => w.Substring(0, w.IndexOf('=') + 1)));
            Assert.Equal(new[] { "&limit=3&offset=3", "&limit=3&offset=6" }, wire.Skip(1).Select(w => w.Substring(w.IndexOf('&'))));
            Assert.Equal("7", Run("(Get-LoomcycleAuditEvent -First 1).PayloadObject.n").ThrowIfErrors().Output.Single().ToString());

            Server.ClearRequests();
            var page = Run("Get-LoomcycleAuditEvent -First 2 -Skip 1 -Type odd -IncludeTotalCount").ThrowIfErrors();
            Assert.Equal(new[] { "GET /v1/_events?type=odd&limit=2&offset=1" }, Server.Wire());
            Assert.Equal(3, page.Output.Count);
            Assert.Equal(new long[] { 5, 3 }, page.Output.Skip(1).Select(o => (long)o.Prop("Seq")!));

            Server.ClearRequests();
            // Select-Object is not in the hosted engine; Select-FirstTest stops upstream the same way.
            _fixture.Session.Run("Import-Module -Assembly $a", new Dictionary<string, object?> { ["a"] = typeof(FaultTests.SelectFirstTestCommand).Assembly }).ThrowIfErrors();
            Run("Get-LoomcycleAuditEvent -PageSize 2 | Select-FirstTest -Type odd -First 1").ThrowIfErrors();
            Assert.Single(Server.Requests);
        }

        [Fact]
        public void EventsWrittenWhileTheLogIsPagedAreNeitherRepeatedNorSkipped()
        {
            // Newest first, by offset: an event written between two pages used to push the next page down by one, so the
            // first page's last event came out twice.
            for (int i = 1; i <= 7; i++) Server.State.AddAuditEvent("step", $"{{\"n\":{i}}}");
            var result = _fixture.Session.Run(
                "$added = $false; Get-LoomcycleAuditEvent -PageSize 2 | ForEach-Object { $_; if (-not $added) { $added = $true; $null = $state.AddAuditEvent('late', '{\"n\":99}') } }",
                new Dictionary<string, object?> { ["state"] = Server.State }).ThrowIfErrors();

            Assert.Equal(new long[] { 7, 6, 5, 4, 3, 2, 1 }, result.Output.Select(o => (long)o.Prop("Seq")!));
        }

        [Fact]
        public void ResolverRoutingModelsConcurrencyRetention()
        {
            var resolver = Run("Get-LoomcycleResolver").ThrowIfErrors();
            Assert.Equal(new[] { "anthropic", "openai" }, resolver.Output.Select(o => o.Str("Provider")));
            Assert.Equal(false, resolver.Output[1].Prop("Reachable"));
            Server.ClearRequests();
            Run("Get-LoomcycleResolver -Probe").ThrowIfErrors();
            Assert.Equal(new[] { "POST /v1/_resolve/probe" }, Server.Wire());
            AsTenant("Get-LoomcycleResolver -Connection $t").AssertSingleError("Auth", "GetLoomcycleResolverCommand", ErrorCategory.PermissionDenied, "/v1/_resolver");

            var routing = Run("Get-LoomcycleRouting -Plan pro").ThrowIfErrors();
            Assert.Equal(new[] { 1, 2 }, routing.Output.Select(o => (int)o.Prop("Position")!));
            Assert.Equal("smart", routing.Output[0].Str("Tier"));
            Assert.Equal(true, routing.Output[0].Prop("Available"));

            Assert.Equal(new[] { "fast", "smart" }, Run("Get-LoomcycleModel").ThrowIfErrors().Output.Select(o => o.Str("Alias")));
            Server.ClearRequests();
            Assert.Equal(3, Run("Get-LoomcycleModel -Provider anthropic").ThrowIfErrors().Output.Count);
            Assert.Equal(new[] { "GET /v1/_providers/anthropic/models" }, Server.Wire());
            Run("Get-LoomcycleModel -Provider nope").AssertSingleError("NotFound", "GetLoomcycleModelCommand", ErrorCategory.ObjectNotFound, "nope");

            Server.State.AddAgent(new AgentRecord { AgentId = "a_1", RunId = "r_1", SessionId = "s_1", UserId = "alice", Status = "running" });
            PSObject stats = Run("Get-LoomcycleConcurrency").ThrowIfErrors().Output.Single();
            Assert.Equal(1, stats.Prop("Active"));
            Assert.Equal(1, ((System.Collections.IDictionary)stats.Prop("PerUser")!)["alice"]);

            PSObject retention = Run("Get-LoomcycleRetention").ThrowIfErrors().Output.Single();
            Assert.Equal(true, retention.Prop("Admin"));
            Assert.NotNull(retention.Prop("Purgeable"));
            PSObject asTenant = AsTenant("Get-LoomcycleRetention -Connection $t").ThrowIfErrors().Output.Single();
            Assert.Null(asTenant.Prop("Purgeable"));
        }

        [Fact]
        public void MetricsSummarySamplesRunAndTheCodeless503()
        {
            var summary = Run("Get-LoomcycleMetric -Period 24h").ThrowIfErrors();
            Assert.Equal(new[] { "GET /v1/_metrics/summary?period=24h" }, Server.Wire());
            Assert.Equal(3, summary.Output.Count);
            Assert.All(summary.Output, o => Assert.Equal("24h", o.Str("Period")));

            Server.ClearRequests();
            var samples = Run("Get-LoomcycleMetric -Since ([datetime]::UtcNow.AddMinutes(-5))").ThrowIfErrors();
            Assert.Equal(5, samples.Output.Count);
            Assert.Equal(3, Server.Requests.Count); // cursor pages of 2
            Assert.Contains("cursor=4", Server.Wire()[2]);

            Server.State.AddAgent(new AgentRecord { AgentId = "a_1", RunId = "r_1", SessionId = "s_1", Status = "completed", CompletedAt = DateTimeOffset.UtcNow });
            Assert.Equal(130_000_000L, Run("Get-LoomcycleMetric -RunId r_1").ThrowIfErrors().Output.Single().Prop("PeakRssBytes"));
            // 404 whose JSON body is sent as text/plain.
            var missing = Run("Get-LoomcycleMetric -RunId r_missing").AssertSingleError("NotFound", "GetLoomcycleMetricCommand", ErrorCategory.ObjectNotFound, "r_missing");
            Assert.StartsWith("run not found", missing.Exception.Message);

            Server.State.MetricsEnabled = false;
            var off = Run("Get-LoomcycleMetric -MaximumRetryCount 0").AssertSingleError("Unavailable", "GetLoomcycleMetricCommand", ErrorCategory.ResourceUnavailable, "/v1/_metrics/summary");
            Assert.Contains("metrics sampler not enabled", off.Exception.Message);
            Assert.Contains("LOOMCYCLE_METRICS_ENABLED", off.Exception.Message);
        }
    }
}
