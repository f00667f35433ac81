using System;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>Register-LoomcycleHook -ScriptBlock, Get-/Stop-LoomcycleHookListener: runs through the fake server's hook delivery.</summary>
    public sealed class ScriptBlockHookTests : IClassFixture<ServerAndSession>
    {
        private readonly ServerAndSession _fixture;

        public ScriptBlockHookTests(ServerAndSession fixture)
        {
            _fixture = fixture;
            _fixture.Session.Run("Stop-LoomcycleHookListener -Confirm:$false").ThrowIfErrors();
            _fixture.Server.Reset();
        }

        private static readonly HttpClient Http = new HttpClient();

        private PowerShellResult Run(string script) => _fixture.Session.Run(script);

        private static PSObject[] ToolResults(PowerShellResult result) =>
            result.Output.Where(o => o.Str("Type") == "tool_result").ToArray();

        private static string ToolName(PSObject toolResult) => PSObject.AsPSObject(toolResult.Prop("ToolUse")!).Str("Name")!;

        private static PSObject[] Items(object? value) =>
            value is null ? Array.Empty<PSObject>() : ((System.Collections.IEnumerable)value).Cast<object>().Select(PSObject.AsPSObject).ToArray();

        private PSObject[] Routes() => Items(Assert.Single(Run("Get-LoomcycleHookListener").ThrowIfErrors().Output).Prop("Hooks"));

        private PSObject[] ListenerErrors() => Items(Assert.Single(Run("Get-LoomcycleHookListener").ThrowIfErrors().Output).Prop("Errors"));

        private PSObject SingleRoute() => Assert.Single(Routes());

        private static Uri Callback(PSObject route) => (Uri)route.Prop("CallbackUri")!;

        private static string PreCall(string id) =>
            "{\"phase\":\"pre\",\"owner\":\"app\",\"hook_name\":\"h\",\"agent\":\"hooked\",\"tool_call\":{\"id\":\"" + id + "\",\"name\":\"Bash\",\"input\":{\"command\":\"date\"}}}";

        [Fact]
        public void APreHookDeniesOneToolAndRewritesAnothersInputAndAPostHookReplacesAResult()
        {
            Run("Register-LoomcycleHook -Owner app -Name guard -Phase pre -Tool WebFetch,Read -ScriptBlock { param($call) " +
                "if ($call.ToolCall.Name -eq 'WebFetch') { @{ Deny = 'no web for ' + $call.ToolCall.Input.url } } " +
                "else { @{ Input = @{ path = '/sandbox/' + [IO.Path]::GetFileName($call.ToolCall.Input.path) } } } }").ThrowIfErrors();
            Run("Register-LoomcycleHook -Owner app -Name redact -Phase post -Tool Bash -ScriptBlock { param($call) [pscustomobject]@{ Result = 'replaced: ' + $call.ToolResult.Text } }").ThrowIfErrors();

            var result = Run("Invoke-LoomcycleRun -Agent hooked -Prompt go").ThrowIfErrors();

            PSObject[] results = ToolResults(result);
            Assert.Equal(new[] { "WebFetch", "Read", "Bash" }, results.Select(ToolName));
            Assert.Equal("no web for https://example.com/", results[0].Str("Text"));
            Assert.Equal(true, results[0].Prop("IsError"));
            Assert.Equal("contents of /sandbox/hosts", results[1].Str("Text"));
            Assert.Null(results[1].Prop("IsError"));
            Assert.Equal("replaced: ran: date", results[2].Str("Text"));
            Assert.Equal("done", result.Output.Last().Str("Type"));

            // Each hook was called through its own callback URL and answered (no server-side failure).
            HookDelivery[] deliveries = _fixture.Server.State.HookDeliveries.ToArray();
            Assert.Equal(new[] { "guard", "guard", "redact" }, deliveries.Select(d => d.Name));
            Assert.All(deliveries, d => Assert.Null(d.Error));
            Assert.All(deliveries, d => Assert.Equal(200, d.Status));
        }

        [Fact]
        public void TheScriptBlockGetsTheCallAsAnObject()
        {
            Run("Register-LoomcycleHook -Owner app -Name look -Phase post -Tool Read -ScriptBlock { param($call) " +
                "@{ Result = ($call.Phase, $call.Owner, $call.HookName, $call.Agent, $call.UserId, $call.AgentId, $call.ToolCall.Name, $call.ToolCall.Input.path, $call.ToolResult.Text, $call.ToolResult.IsError, $call.PSObject.TypeNames[0]) -join '|' } }").ThrowIfErrors();

            var result = Run("Invoke-LoomcycleRun -Agent hooked -Prompt go -UserId u1").ThrowIfErrors();

            string agentId = result.Output.Single(o => o.Str("Type") == "agent").Str("AgentId")!;
            string seen = ToolResults(result).Single(r => ToolName(r) == "Read").Str("Text")!;
            Assert.Equal("post|app|look|hooked|u1|" + agentId + "|Read|/etc/hosts|contents of /etc/hosts|False|Loomcycle.HookCall", seen);
        }

        [Fact]
        public void AThrowingScriptBlockGetsTheClosedFailModeAndTheErrorIsKept()
        {
            Run("Register-LoomcycleHook -Owner app -Name boom -Phase pre -Tool Bash -FailMode closed -ScriptBlock { param($call) throw 'database unreachable' }").ThrowIfErrors();

            var result = Run("Invoke-LoomcycleRun -Agent hooked -Prompt go").ThrowIfErrors();

            PSObject bash = ToolResults(result).Single(r => ToolName(r) == "Bash");
            Assert.Equal("tool_call denied: hook app/boom failed (it threw an error)", bash.Str("Text"));
            Assert.Equal(true, bash.Prop("IsError"));
            Assert.Null(_fixture.Server.State.HookDeliveries.Single().Error);

            PSObject error = Assert.Single(ListenerErrors());
            Assert.Equal("Threw", error.Str("Reason"));
            Assert.Equal("database unreachable", error.Str("Message"));
            Assert.Equal("Bash", error.Str("ToolName"));
            Assert.Equal(1L, SingleRoute().Prop("Failures"));
        }

        [Fact]
        public void TheClosedFailModeHoldsInAnyCase()
        {
            // -FailMode Closed (as PowerShell users write it) once reached the listener as "Closed" and failed open: the
            // throwing guard let Bash run.
            Run("Register-LoomcycleHook -Owner app -Name boom -Phase Pre -Tool Bash -FailMode Closed -ScriptBlock { param($call) throw 'database unreachable' }").ThrowIfErrors();

            var result = Run("Invoke-LoomcycleRun -Agent hooked -Prompt go").ThrowIfErrors();

            PSObject bash = ToolResults(result).Single(r => ToolName(r) == "Bash");
            Assert.Equal("tool_call denied: hook app/boom failed (it threw an error)", bash.Str("Text"));
            Assert.Equal(true, bash.Prop("IsError"));
            JsonElement registered = JsonDocument.Parse(_fixture.Server.Requests.First(r => r.Method == "POST" && r.Path == "/v1/hooks").BodyText).RootElement;
            Assert.Equal("pre", registered.GetProperty("phase").GetString());
            Assert.Equal("closed", registered.GetProperty("fail_mode").GetString());
            PSObject route = SingleRoute();
            Assert.Equal("closed", route.Str("FailMode"));
            Assert.Equal("pre", route.Str("Phase"));
        }

        [Fact]
        public void APatternTheServerCannotMatchIsRefusedAndLeavesNoListener()
        {
            var result = Run("Register-LoomcycleHook -Owner app -Name guard -Phase pre -Tool '*Fetch' -FailMode closed -ScriptBlock { param($call) }");

            ErrorRecord error = result.AssertSingleError("InvalidArgument", "RegisterLoomcycleHookCommand", ErrorCategory.InvalidArgument, "app/guard");
            Assert.Contains("Tools entry '*Fetch'", error.Exception.Message);
            Assert.Empty(_fixture.Server.Requests);
            Assert.Empty(Run("Get-LoomcycleHookListener").Output);
        }

        [Fact]
        public void AThrowingScriptBlockWithTheOpenFailModeLetsTheCallThrough()
        {
            Run("Register-LoomcycleHook -Owner app -Name boom -Phase post -Tool Bash -ScriptBlock { param($call) throw 'oops' }").ThrowIfErrors();
            var result = Run("Invoke-LoomcycleRun -Agent hooked -Prompt go").ThrowIfErrors();
            Assert.Equal("ran: date", ToolResults(result).Single(r => ToolName(r) == "Bash").Str("Text"));
            Assert.Equal(204, _fixture.Server.State.HookDeliveries.Single().Status);
        }

        [Fact]
        public void ASlowScriptBlockGetsTheFailModeBeforeTheServerGivesUp()
        {
            Run("Register-LoomcycleHook -Owner app -Name slow -Phase post -Tool Read -FailMode closed -TimeoutMs 2000 -ScriptBlock { param($call) $end = [DateTime]::UtcNow.AddSeconds(60); while ([DateTime]::UtcNow -lt $end) { [Threading.Thread]::Sleep(20) }; @{ Result = 'too late' } }").ThrowIfErrors();

            var result = Run("Invoke-LoomcycleRun -Agent hooked -Prompt go").ThrowIfErrors();

            PSObject read = ToolResults(result).Single(r => ToolName(r) == "Read");
            Assert.Equal("tool_result discarded: hook app/slow failed (no answer within 1.5 s)", read.Str("Text"));
            Assert.Equal(true, read.Prop("IsError"));
            // The listener answered (200 with the refusal); the server's own timeout did not fire.
            HookDelivery delivery = _fixture.Server.State.HookDeliveries.Single();
            Assert.Null(delivery.Error);
            Assert.Equal(200, delivery.Status);
            Assert.Equal("TimedOut", Assert.Single(ListenerErrors()).Str("Reason"));
        }

        [Fact]
        public void AnAnswerThatIsNotAHashtableIsABadAnswer()
        {
            Run("Register-LoomcycleHook -Owner app -Name bad -Phase pre -Tool Bash -FailMode closed -ScriptBlock { param($call) 'deny it please' }").ThrowIfErrors();
            var result = Run("Invoke-LoomcycleRun -Agent hooked -Prompt go").ThrowIfErrors();
            Assert.Equal("tool_call denied: hook app/bad failed (its answer was not valid)", ToolResults(result).Single(r => ToolName(r) == "Bash").Str("Text"));
            PSObject error = Assert.Single(ListenerErrors());
            Assert.Equal("BadAnswer", error.Str("Reason"));
            Assert.Contains("returned a String", error.Str("Message"));
        }

        [Fact]
        public async Task UnknownPathsOtherMethodsAndBigBodiesAreRefusedAndRunNothing()
        {
            Run("Register-LoomcycleHook -Owner app -Name h -Phase pre -ScriptBlock { param($call) @{ Deny = 'ran' } }").ThrowIfErrors();
            Uri callback = Callback(SingleRoute());
            Uri baseUri = new Uri(callback.GetLeftPart(UriPartial.Authority) + "/");

            using (HttpResponseMessage unknown = await Http.PostAsync(new Uri(baseUri, "hooks/0123456789abcdef0123456789abcdef"), new StringContent(PreCall("t1"), Encoding.UTF8, "application/json")))
            {
                Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            }

            using (HttpResponseMessage root = await Http.PostAsync(baseUri, new StringContent(PreCall("t1"), Encoding.UTF8, "application/json")))
            {
                Assert.Equal(HttpStatusCode.NotFound, root.StatusCode);
            }

            using (HttpResponseMessage get = await Http.GetAsync(callback))
            {
                Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
            }

            // The listener refuses a body over 1 MiB from its Content-Length, before reading it.
            using (var raw = new System.Net.Sockets.TcpClient())
            {
                await raw.ConnectAsync(callback.Host, callback.Port);
                System.Net.Sockets.NetworkStream stream = raw.GetStream();
                byte[] head = Encoding.ASCII.GetBytes("POST " + callback.AbsolutePath + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + ((1 << 20) + 1) + "\r\n\r\n");
                await stream.WriteAsync(head);
                string response = await new System.IO.StreamReader(stream).ReadToEndAsync();
                Assert.StartsWith("HTTP/1.1 413 ", response, StringComparison.Ordinal);
            }

            using (HttpResponseMessage notJson = await Http.PostAsync(callback, new StringContent("not json", Encoding.UTF8, "application/json")))
            {
                Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
            }

            PSObject listener = Run("Get-LoomcycleHookListener").Output.Single();
            Assert.Equal(0L, listener.Prop("Calls"));
            Assert.Equal(5L, listener.Prop("Refused"));
            Assert.Equal(0L, SingleRoute().Prop("Calls"));
            // The oversized call is kept among the errors: the server applied the fail mode to a call the script block never saw.
            Assert.Equal("TooLarge", Assert.Single(ListenerErrors()).Str("Reason"));

            // The hook's own path still answers.
            using HttpResponseMessage ok = await Http.PostAsync(callback, new StringContent(PreCall("t1"), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("{\"deny\":{\"text\":\"ran\",\"is_error\":true}}", await ok.Content.ReadAsStringAsync());
        }

        [Fact]
        public async Task FiftyConcurrentCallsAreAllAnswered()
        {
            Run("Register-LoomcycleHook -Owner app -Name many -Phase pre -TimeoutMs 60000 -ScriptBlock { param($call) [Threading.Thread]::Sleep(20); @{ Deny = 'seen ' + $call.ToolCall.Id } }").ThrowIfErrors();
            PSObject route = SingleRoute();
            Uri callback = Callback(route);

            string[] answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
            {
                using HttpResponseMessage response = await Http.PostAsync(callback, new StringContent(PreCall("call" + i), Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("deny").GetProperty("text").GetString()!;
            }));

            Assert.Equal(Enumerable.Range(0, 50).Select(i => "seen call" + i), answers);
            Assert.Equal(50L, route.Prop("Calls"));
            Assert.Equal(0L, route.Prop("Failures"));
        }

        [Fact]
        public async Task StoppingTheListenerUnregistersItsHooksOnTheServer()
        {
            Run("Register-LoomcycleHook -Owner app -Name one -Phase pre -ScriptBlock { param($call) }").ThrowIfErrors();
            Run("Register-LoomcycleHook -Owner app -Name two -Phase post -ScriptBlock { param($call) }").ThrowIfErrors();
            Run("Register-LoomcycleHook -Owner other -Name web -Phase pre -CallbackUrl http://127.0.0.1:9/x").ThrowIfErrors();
            PSObject listener = Assert.Single(Run("Get-LoomcycleHookListener").Output);
            Uri callback = Callback(Items(listener.Prop("Hooks"))[0]);
            string[] ids = _fixture.Server.State.Hooks.Where(h => h.Owner == "app").Select(h => h.Id).ToArray();
            _fixture.Server.ClearRequests();

            Run("Get-LoomcycleHookListener | Stop-LoomcycleHookListener -Confirm:$false").ThrowIfErrors();

            Assert.Equal(ids.Select(id => "DELETE /v1/hooks/" + id).OrderBy(s => s), _fixture.Server.Wire().OrderBy(s => s));
            Assert.Equal("web", Assert.Single(_fixture.Server.State.Hooks).Name);
            Assert.Empty(Run("Get-LoomcycleHookListener").Output);
            await Assert.ThrowsAsync<HttpRequestException>(() => Http.PostAsync(callback, new StringContent(PreCall("x"))));
        }

        [Fact]
        public void StopRunsThroughTheBridgeSoEngineVerboseLinesAndRetryParametersReachIt()
        {
            Run("Register-LoomcycleHook -Owner app -Name one -Phase pre -ScriptBlock { param($call) }").ThrowIfErrors();
            string id = Assert.Single(_fixture.Server.State.Hooks, h => h.Owner == "app").Id;
            _fixture.Server.ClearRequests();
            _fixture.Server.Enqueue("DELETE", "/v1/hooks/" + id, ctx =>
            {
                ctx.Response.StatusCode = 503;
                return Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(ctx.Response, "busy\n");
            });

            var result = Run("Stop-LoomcycleHookListener -Confirm:$false -Verbose -MaximumRetryCount 1 -RetryIntervalSec 0").ThrowIfErrors();

            Assert.Equal(new[] { "DELETE /v1/hooks/" + id, "DELETE /v1/hooks/" + id }, _fixture.Server.Wire());
            Assert.Contains(result.Verbose, v => v.Contains("answered 503") && v.Contains("retry 1 of 1"));
            Assert.DoesNotContain(_fixture.Server.State.Hooks, h => h.Owner == "app");
            Assert.Empty(Run("Get-LoomcycleHookListener").Output);
        }

        [Fact]
        public void ClosingTheSessionUnregistersItsHooks()
        {
            using (var session = new PowerShellSession())
            {
                session.Run($"Connect-Loomcycle -BaseUrl '{_fixture.Server.BaseUri}'").ThrowIfErrors();
                session.Run("Register-LoomcycleHook -Owner app -Name closing -Phase pre -ScriptBlock { param($call) }").ThrowIfErrors();
                Assert.Single(_fixture.Server.State.Hooks);
            }

            Assert.Empty(_fixture.Server.State.Hooks);
        }

        [Fact]
        public void RemovingTheModuleUnregistersItsHooks()
        {
            using var session = new PowerShellSession();
            session.Run($"Connect-Loomcycle -BaseUrl '{_fixture.Server.BaseUri}'").ThrowIfErrors();
            session.Run("Register-LoomcycleHook -Owner app -Name removal -Phase pre -ScriptBlock { param($call) }").ThrowIfErrors();
            Assert.Single(_fixture.Server.State.Hooks);

            session.Run("Remove-Module Loomcycle").ThrowIfErrors();

            Assert.Empty(_fixture.Server.State.Hooks);
        }

        [Fact]
        public async Task ReRegisteringAndUnregisteringStopServingTheOldPath()
        {
            Run("Register-LoomcycleHook -Owner app -Name h -Phase pre -ScriptBlock { param($call) @{ Deny = 'first' } }").ThrowIfErrors();
            Uri first = Callback(SingleRoute());
            Run("Register-LoomcycleHook -Owner app -Name h -Phase pre -ScriptBlock { param($call) @{ Deny = 'second' } }").ThrowIfErrors();
            PSObject second = SingleRoute();
            Assert.Equal(_fixture.Server.State.Hooks.Single().Id, second.Str("HookId"));
            using (HttpResponseMessage old = await Http.PostAsync(first, new StringContent(PreCall("x"))))
            {
                Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
            }

            Run("Get-LoomcycleHook | Unregister-LoomcycleHook -Confirm:$false").ThrowIfErrors();
            Assert.Empty(Routes());
            using HttpResponseMessage gone = await Http.PostAsync(Callback(second), new StringContent(PreCall("x")));
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        [Fact]
        public void AHookOfTheSameNameRegisteredWithAnotherTokenIsAnotherHookAndKeepsItsRoute()
        {
            // The server replaces by (tenant, owner, name): an admin's global ops/guard and tenant acme's ops/guard are two
            // hooks. Registering acme's once removed the admin's route, and the server's calls to it got 404.
            _fixture.Server.State.AddBearer(new BearerRecord { Secret = "lct_admin_hooks_test_token_01", Name = "ops-admin", TenantId = "default", Subject = "ops", Scopes = new[] { "substrate:admin" }, Kind = "operator" });
            _fixture.Server.State.AddBearer(new BearerRecord { Secret = "lct_tenant_hooks_test_token_2", Name = "acme-ops", TenantId = "acme", Subject = "ops", Scopes = new[] { "substrate:tenant" }, Kind = "operator" });
            var variables = new System.Collections.Generic.Dictionary<string, object?> { ["adminSecret"] = Secure("lct_admin_hooks_test_token_01"), ["tenantSecret"] = Secure("lct_tenant_hooks_test_token_2") };

            _fixture.Session.Run(
                $"$admin = Connect-Loomcycle -BaseUrl '{_fixture.Server.BaseUri}' -Token $adminSecret -PassThru -NoDefault; " +
                $"$acme = Connect-Loomcycle -BaseUrl '{_fixture.Server.BaseUri}' -Token $tenantSecret -PassThru -NoDefault; " +
                "Register-LoomcycleHook -Connection $admin -Owner ops -Name guard -Phase pre -ScriptBlock { param($call) } | Out-Null; " +
                "Register-LoomcycleHook -Connection $acme -Owner ops -Name guard -Phase pre -ScriptBlock { param($call) } | Out-Null; " +
                "Register-LoomcycleHook -Connection $acme -Owner ops -Name guard -Phase pre -ScriptBlock { param($call) } | Out-Null", variables).ThrowIfErrors();

            // The server holds two hooks (the global one, and acme's second registration that replaced its first) ...
            Assert.Equal(new[] { "", "acme" }, _fixture.Server.State.Hooks.Select(h => h.Tenant).OrderBy(t => t, StringComparer.Ordinal));
            // ... and the listener serves exactly those two.
            Assert.Equal(_fixture.Server.State.Hooks.Select(h => h.Id).OrderBy(id => id, StringComparer.Ordinal),
                Routes().Select(r => r.Str("HookId")).OrderBy(id => id, StringComparer.Ordinal));
        }

        private static System.Security.SecureString Secure(string text)
        {
            var secure = new System.Security.SecureString();
            foreach (char c in text) secure.AppendChar(c);
            return secure;
        }

        [Fact]
        public void ArgumentListReachesTheScriptBlockAndTheCallersVariablesDoNot()
        {
            Run("$secret = 'caller'; Register-LoomcycleHook -Owner app -Name args -Phase post -Tool Bash -ArgumentList 'given', 2 -ScriptBlock { param($call, $word, $n) @{ Result = \"$word $n [$secret]\" } }").ThrowIfErrors();
            var result = Run("Invoke-LoomcycleRun -Agent hooked -Prompt go").ThrowIfErrors();
            Assert.Equal("given 2 []", ToolResults(result).Single(r => ToolName(r) == "Bash").Str("Text"));
        }

        [Fact]
        public void AFailedRegistrationStartsNoListener()
        {
            _fixture.Server.Enqueue("POST", "/v1/hooks", Faults.Json(400, "invalid_registration", "connector: invalid hook registration: nope"));
            var result = Run("Register-LoomcycleHook -Owner app -Name bad -Phase pre -ScriptBlock { param($call) }");
            result.AssertSingleError("InvalidArgument", "RegisterLoomcycleHookCommand", ErrorCategory.InvalidArgument, "app/bad");
            Assert.Empty(Run("Get-LoomcycleHookListener").Output);
        }

        [Fact]
        public void AFailedRegistrationUnderErrorActionStopStartsNoListener()
        {
            _fixture.Server.Enqueue("POST", "/v1/hooks", Faults.Json(400, "invalid_registration", "connector: invalid hook registration: nope"));
            var result = Run("try { Register-LoomcycleHook -Owner app -Name bad -Phase pre -ScriptBlock { param($call) } -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }");
            Assert.Equal("InvalidArgument,Loomcycle.PowerShell.Commands.RegisterLoomcycleHookCommand", Assert.Single(result.ThrowIfErrors().Output).BaseObject);
            Assert.Empty(Run("Get-LoomcycleHookListener").Output);
        }

        [Fact]
        public void AFailedRegistrationUnderErrorActionStopLeavesTheListenersOtherHooksAndNoRouteOfItsOwn()
        {
            Run("Register-LoomcycleHook -Owner app -Name good -Phase pre -ScriptBlock { param($call) }").ThrowIfErrors();
            _fixture.Server.Enqueue("POST", "/v1/hooks", Faults.Json(503, "hooks_not_configured", "hooks are not configured"));
            var result = Run("try { Register-LoomcycleHook -Owner app -Name bad -Phase post -ScriptBlock { param($call) } -ErrorAction Stop } catch { 'caught' }");
            Assert.Equal("caught", Assert.Single(result.ThrowIfErrors().Output).BaseObject);
            Assert.Equal("good", SingleRoute().Prop("Name"));
        }

        [Fact]
        public void WhatIfStartsNothingAndSendsNothing()
        {
            Run("Register-LoomcycleHook -Owner app -Name w -Phase pre -ScriptBlock { param($call) } -WhatIf").ThrowIfErrors();
            Assert.Empty(_fixture.Server.Requests);
            Assert.Empty(Run("Get-LoomcycleHookListener").Output);
        }

        [Fact]
        public void AListenAddressThatIsNotLoopbackWarns()
        {
            var result = Run("Register-LoomcycleHook -Owner app -Name wide -Phase pre -ListenAddress 0.0.0.0 -ScriptBlock { param($call) }").ThrowIfErrors();
            Assert.Contains(result.Warnings, w => w.Contains("accepts calls from other machines", StringComparison.Ordinal));
            Assert.Equal(IPAddress.Any, Run("Get-LoomcycleHookListener").Output.Single().Prop("ListenAddress"));
        }

        [Fact]
        public void ALoopbackListenerForAServerOnAnotherMachineWarns()
        {
            // 192.0.2.1 (TEST-NET-1) stands for a remote server: it would call its own 127.0.0.1, and every call would fail.
            var result = Run("$remote = Connect-Loomcycle -BaseUrl 'http://192.0.2.1:9/' -ConnectTimeoutSec 1 -PassThru -NoDefault; " +
                "Register-LoomcycleHook -Connection $remote -Owner app -Name far -Phase pre -MaximumRetryCount 0 -ScriptBlock { param($call) }");
            Assert.Contains(result.Warnings, w => w.Contains("the server at 192.0.2.1 is not on this machine", StringComparison.Ordinal));
            Assert.Single(result.AllErrors); // and the registration itself fails: nothing answers there

            var local = Run("Register-LoomcycleHook -Owner app -Name near -Phase pre -ScriptBlock { param($call) }").ThrowIfErrors();
            Assert.Empty(local.Warnings);
        }

        [Fact]
        public void APortInUseIsAClearErrorAndNothingIsRegistered()
        {
            var busy = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            busy.Start();
            try
            {
                int port = ((IPEndPoint)busy.LocalEndpoint).Port;
                var result = Run($"Register-LoomcycleHook -Owner app -Name busy -Phase pre -Port {port} -ScriptBlock {{ param($call) }}");
                ErrorRecord error = result.AssertSingleError("HookListenerStartFailed", "RegisterLoomcycleHookCommand", ErrorCategory.ResourceUnavailable, "app/busy");
                Assert.Contains($"127.0.0.1:{port}", error.Exception.Message, StringComparison.Ordinal);
                Assert.Empty(_fixture.Server.Requests);
                Assert.Empty(Run("Get-LoomcycleHookListener").Output);
            }
            finally
            {
                busy.Stop();
            }
        }

        [Fact]
        public void AnUnknownListenerNumberIsNotFound()
        {
            var get = Run("Get-LoomcycleHookListener -Id 42");
            get.AssertSingleError("HookListenerNotFound", "GetLoomcycleHookListenerCommand", ErrorCategory.ObjectNotFound, 42);
            var stop = Run("Stop-LoomcycleHookListener -Id 42 -Confirm:$false");
            stop.AssertSingleError("HookListenerNotFound", "StopLoomcycleHookListenerCommand", ErrorCategory.ObjectNotFound, 42);
        }

        [Fact]
        public void AListenerIsReusedForTheNextHook()
        {
            Run("Register-LoomcycleHook -Owner app -Name a -Phase pre -ScriptBlock { param($call) }").ThrowIfErrors();
            Run("Register-LoomcycleHook -Owner app -Name b -Phase post -ScriptBlock { param($call) }").ThrowIfErrors();
            PSObject listener = Assert.Single(Run("Get-LoomcycleHookListener").Output);
            PSObject[] routes = Items(listener.Prop("Hooks"));
            Assert.Equal(2, routes.Length);
            Assert.NotEqual(routes[0].Str("Path"), routes[1].Str("Path"));
            Assert.All(routes, r => Assert.Matches("^/hooks/[0-9a-f]{32}$", r.Str("Path")));
            Assert.Equal("127.0.0.1", ((Uri)listener.Prop("Url")!).Host);
        }
    }
}
