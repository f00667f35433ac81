using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>Get/New/Copy/Publish/Remove/Test-LoomcycleDefinition, schedules, volumes and presets against the fake server.</summary>
    public sealed class DefinitionCmdletTests : IClassFixture<ServerAndSession>, IDisposable
    {
        private readonly ServerAndSession _fixture;
        private readonly DirectoryInfo _folder;

        public DefinitionCmdletTests(ServerAndSession fixture)
        {
            _fixture = fixture;
            _fixture.Server.Reset();
            _folder = Directory.CreateTempSubdirectory("lc-defs-");
        }

        private FakeLoomcycleServer Server => _fixture.Server;

        public void Dispose() => _folder.Delete(recursive: true);

        private PowerShellResult Run(string script) => _fixture.Session.Run(script, new Dictionary<string, object?> { ["folder"] = _folder.FullName });

        private JsonElement Body(int index) => JsonDocument.Parse(Server.Requests[index].Body).RootElement;

        /// <summary>"POST /v1/_agentdef create" for tool calls, "GET /v1/…" for the rest.</summary>
        private List<string> Calls() => Server.Requests.Select(r =>
            r.Method == "POST" && r.Json is JsonElement j && j.ValueKind == JsonValueKind.Object && j.TryGetProperty("op", out JsonElement op)
                ? $"{r.Method} {r.RawTarget} {op.GetString()}"
                : $"{r.Method} {r.RawTarget}").ToList();

        private DefinitionRecord Seed(string family, string name, string json, bool promote = true) =>
            Server.State.AddDefinition(family, name, (JsonObject)JsonNode.Parse(json)!, "seeded", "", promote, "sha256:" + Guid.NewGuid().ToString("N"));

        [Fact]
        public void NewSendsCreateWithTheOverlayAndWritesTheVersion()
        {
            var result = Run("New-LoomcycleDefinition -Kind Agent -Name triage -Definition ([ordered]@{ model = 'm1'; max_iterations = 12; tools = @('Read') }) -Description why").ThrowIfErrors();

            Assert.Equal(new[] { "POST /v1/_agentdef create" }, Calls());
            Assert.Equal("{\"op\":\"create\",\"name\":\"triage\",\"overlay\":{\"model\":\"m1\",\"max_iterations\":12,\"tools\":[\"Read\"]},\"description\":\"why\"}", Server.Requests[0].BodyText);
            PSObject created = Assert.Single(result.Output);
            Assert.Equal("Loomcycle.DefinitionVersion", created.TypeName());
            Assert.Equal("Agent", created.Str("Kind"));
            Assert.Equal(1, created.Prop("Version"));
            Assert.Equal(true, created.Prop("Promoted"));
            Assert.StartsWith("def_", created.Str("DefId"));
            Assert.Equal(Server.State.ActiveDefinition("agentdef", "triage"), created.Str("DefId"));
            var run = Run("$d = New-LoomcycleDefinition -Kind Skill -Name s -Definition @{ body = 'b' }; $d.DefinitionObject.body").ThrowIfErrors();
            Assert.Equal("b", Assert.Single(run.Output).BaseObject);
        }

        [Fact]
        public void ADefinitionFileThatCannotBeReadIsThatItemsErrorAndThePipelineGoesOn()
        {
            var result = Run(@"
                [pscustomobject]@{ Kind = 'Webhook'; Name = 'gone'; Definition = [System.IO.FileInfo]::new($folder + '/missing.json') },
                [pscustomobject]@{ Kind = 'Webhook'; Name = 'here'; Definition = @{ enabled = $true; channel = 'c' } } | New-LoomcycleDefinition");

            ErrorRecord error = result.AssertSingleError("FileAccessFailed", "NewLoomcycleDefinitionCommand", ErrorCategory.ObjectNotFound, "gone");
            Assert.Contains("missing.json", error.Exception.Message, StringComparison.Ordinal);
            Assert.Equal("here", Assert.Single(result.Output).Prop("Name"));
            Assert.Single(Server.Requests);
        }

        [Fact]
        public void DefinitionTakesJsonTextObjectsAndFilesAlike()
        {
            File.WriteAllText(Path.Combine(_folder.FullName, "w.json"), "{ // a comment\n \"enabled\": true, \"channel\": \"c\", }\n");
            Run(@"
                New-LoomcycleDefinition -Kind Webhook -Name a -Definition '{""enabled"":true,""channel"":""c""}'
                New-LoomcycleDefinition -Kind Webhook -Name b -Definition ([pscustomobject]@{ enabled = $true; channel = 'c' })
                New-LoomcycleDefinition -Kind Webhook -Name c -Definition ($folder + '/w.json')
                New-LoomcycleDefinition -Kind Webhook -Name d -Definition ([System.IO.FileInfo]::new($folder + '/w.json'))
                New-LoomcycleDefinition -Kind Webhook -Name e -Promote:$false -Definition '{""enabled"":true,""channel"":""c""}'").ThrowIfErrors();

            Assert.Equal(5, Server.Requests.Count);
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal("{\"enabled\":true,\"channel\":\"c\"}", Body(i).GetProperty("overlay").GetRawText());
                Assert.False(Body(i).TryGetProperty("promote", out _));
            }

            Assert.False(Body(4).GetProperty("promote").GetBoolean());
            Assert.Null(Server.State.ActiveDefinition("webhookdef", "e"));
        }

        [Fact]
        public void ABadDefinitionFailsBeforeAnythingIsSent()
        {
            var result = Run(@"
                New-LoomcycleDefinition -Kind Agent -Name a -Definition '[1,2]'
                New-LoomcycleDefinition -Kind Agent -Name b -Definition 'no-such-file.json'
                New-LoomcycleDefinition -Kind Agent -Name c -Definition '{ not json'
                New-LoomcycleDefinition -Kind Agent -Name d -Definition 42
                New-LoomcycleDefinition -Kind NoSuchKind -Name e -Definition @{}");

            Assert.Empty(Server.Requests);
            Assert.Equal(5, result.AllErrors.Count());
            List<ErrorRecord> errors = result.AllErrors.ToList();
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal("InvalidArgument,Loomcycle.PowerShell.Commands.NewLoomcycleDefinitionCommand", errors[i].FullyQualifiedErrorId);
                Assert.Equal(ErrorCategory.InvalidArgument, errors[i].CategoryInfo.Category);
            }

            Assert.True(errors[0].Exception.Message.Contains("must hold a JSON object"), errors[0].Exception.Message);
            Assert.True(errors[3].Exception.Message.Contains("not a Int32"), errors[3].Exception.Message);
            Assert.StartsWith("CannotConvertArgument", errors[4].FullyQualifiedErrorId); // -Kind is validated by binding
            Assert.Contains("neither JSON text nor an existing file", errors[1].Exception.Message);
            Assert.Contains("not valid JSON", errors[2].Exception.Message);
        }

        [Fact]
        public void VolumesAndCredentialsSendTheirFieldsBesideTheName()
        {
            var result = Run("New-LoomcycleDefinition -Kind Volume -Name scratch -Definition @{ mode = 'ro' }; Get-LoomcycleDefinition -Kind Volume; Get-LoomcycleVolume -Name scr*").ThrowIfErrors();

            Assert.Equal(new[] { "POST /v1/_volumedef create", "POST /v1/_volumedef list", "GET /v1/_volumes" }, Calls());
            Assert.Equal("{\"op\":\"create\",\"name\":\"scratch\",\"mode\":\"ro\"}", Server.Requests[0].BodyText);
            PSObject listed = result.Output[1];
            Assert.Equal("Loomcycle.DefinitionSummary", listed.TypeName());
            Assert.Equal("scratch", listed.Str("Name"));
            PSObject volume = result.Output[2];
            Assert.Equal("Loomcycle.Volume", volume.TypeName());
            Assert.Equal("dynamic", volume.Str("Source"));
            Assert.Equal("ro", volume.Str("Mode"));
        }

        [Fact]
        public void GetListsNamesThenGetsTheActiveVersionAllVersionsOrOneById()
        {
            DefinitionRecord v1 = Seed("agentdef", "triage", "{\"model\":\"m1\"}");
            DefinitionRecord v2 = Seed("agentdef", "triage", "{\"model\":\"m2\"}", promote: false);
            Seed("agentdef", "other", "{\"model\":\"m\"}");

            var list = Run("Get-LoomcycleDefinition -Kind Agent").ThrowIfErrors();
            var active = Run("Get-LoomcycleDefinition Agent triage").ThrowIfErrors();
            var all = Run("Get-LoomcycleDefinition -Kind Agent -Name triage -AllVersions").ThrowIfErrors();
            var byId = Run($"Get-LoomcycleDefinition -Kind Agent -DefId {v2.DefId}").ThrowIfErrors();
            var filtered = Run("Get-LoomcycleDefinition -Kind Agent -Name tri* -Library").ThrowIfErrors();

            Assert.Equal(new[]
            {
                "GET /v1/_agentdef/names",
                "GET /v1/_agentdef/names", "POST /v1/_agentdef get",
                "POST /v1/_agentdef list", "GET /v1/_agentdef/names",
                "POST /v1/_agentdef get",
                "GET /v1/_library/agents",
            }, Calls());
            Assert.Equal(new[] { "other", "triage" }, list.Output.Select(o => o.Str("Name")));
            PSObject triage = list.Output[1];
            Assert.Equal("Loomcycle.DefinitionSummary", triage.TypeName());
            Assert.Equal(2, triage.Prop("VersionCount"));
            Assert.Equal(v1.DefId, triage.Str("ActiveDefId"));
            Assert.Equal(v1.DefId, triage.Str("DefId"));

            PSObject a = Assert.Single(active.Output);
            Assert.Equal(v1.DefId, a.Str("DefId"));
            Assert.Equal(true, a.Prop("IsActive"));
            Assert.Equal("{\"model\":\"m1\"}", a.Str("Definition"));

            Assert.Equal(new[] { $"{v2.DefId}:False", $"{v1.DefId}:True" }, all.Output.Select(o => $"{o.Str("DefId")}:{o.Prop("IsActive")}"));
            Assert.Equal(v2.DefId, Assert.Single(byId.Output).Str("DefId"));
            Assert.Equal("dynamic-only", Assert.Single(filtered.Output).Str("Source"));
        }

        [Fact]
        public void GetByNameWithoutAnActiveVersionIsNotFound()
        {
            var result = Run("Get-LoomcycleDefinition -Kind Skill -Name ghost");
            result.AssertSingleError("NotFound", "GetLoomcycleDefinitionCommand", ErrorCategory.ObjectNotFound, "ghost");
        }

        [Fact]
        public void CopyForksFromTheGivenParentAndSendsPromoteOnlyWhenAsked()
        {
            DefinitionRecord v1 = Seed("agentdef", "triage", "{\"model\":\"m1\",\"system_prompt\":\"p\"}");

            var result = Run($"Get-LoomcycleDefinition -Kind Agent -Name triage | Copy-LoomcycleDefinition -Definition @{{ model = 'm2' }} -Promote; Copy-LoomcycleDefinition -Kind Agent -Name triage").ThrowIfErrors();

            Assert.Equal(new[] { "GET /v1/_agentdef/names", "POST /v1/_agentdef get", "POST /v1/_agentdef fork", "POST /v1/_agentdef fork" }, Calls());
            Assert.Equal($"{{\"op\":\"fork\",\"name\":\"triage\",\"parent_def_id\":\"{v1.DefId}\",\"overlay\":{{\"model\":\"m2\"}},\"promote\":true}}", Server.Requests[2].BodyText);
            Assert.Equal("{\"op\":\"fork\",\"name\":\"triage\"}", Server.Requests[3].BodyText);
            PSObject fork = result.Output[0];
            Assert.Equal(v1.DefId, fork.Str("ParentDefId"));
            Assert.Equal("{\"model\":\"m2\",\"system_prompt\":\"p\",\"system_prompt_base\":\"p\"}", fork.Str("Definition"));
            Assert.Equal(fork.Str("DefId"), Server.State.ActiveDefinition("agentdef", "triage"));
            Assert.Equal(false, result.Output[1].Prop("Promoted")); // agent forks do not promote by default
        }

        [Fact]
        public void PublishPromotesAndRefusesKindsWithoutPromoteBeforeSending()
        {
            Seed("skilldef", "s", "{\"body\":\"1\"}");
            DefinitionRecord v2 = Seed("skilldef", "s", "{\"body\":\"2\"}", promote: false);

            var result = Run($"Publish-LoomcycleDefinition -Kind Skill -DefId {v2.DefId}; Publish-LoomcycleDefinition -Kind Schedule -DefId def_x");

            Assert.Equal(new[] { "POST /v1/_skilldef promote" }, Calls());
            Assert.Equal($"{{\"op\":\"promote\",\"def_id\":\"{v2.DefId}\"}}", Server.Requests[0].BodyText);
            PSObject change = Assert.Single(result.Output);
            Assert.Equal("Loomcycle.DefinitionChange", change.TypeName());
            Assert.Equal(true, change.Prop("Promoted"));
            Assert.Equal(v2.DefId, Server.State.ActiveDefinition("skilldef", "s"));
            ErrorRecord error = result.AssertSingleError("InvalidArgument", "PublishLoomcycleDefinitionCommand", ErrorCategory.InvalidArgument, "Schedule");
            Assert.Contains("no promote operation", error.Exception.Message);
            Assert.DoesNotContain("-Promote", error.Exception.Message);
            Assert.Contains("Copy-LoomcycleDefinition -Promote", error.ErrorDetails.RecommendedAction);
        }

        [Fact]
        public void RemoveRetiresOrDeletesAndWhatIfSendsNothing()
        {
            DefinitionRecord hook = Seed("webhookdef", "h", "{\"channel\":\"c\"}");
            Seed("teamdef", "t", "{\"entry\":\"a\"}");

            var whatIf = Run($"Remove-LoomcycleDefinition -Kind Webhook -DefId {hook.DefId} -Force -WhatIf").ThrowIfErrors();
            Assert.Empty(Server.Requests);
            Assert.Empty(whatIf.Output);

            var result = Run($@"
                Remove-LoomcycleDefinition -Kind Webhook -DefId {hook.DefId} -Force
                Remove-LoomcycleDefinition -Kind Webhook -DefId {hook.DefId} -Restore -Force -PassThru
                Remove-LoomcycleDefinition -Kind Team -Name t -Delete -Confirm:$false -PassThru
                Remove-LoomcycleDefinition -Kind Agent -Name x -Delete -Force");

            Assert.Equal(new[] { "POST /v1/_webhookdef retire", "POST /v1/_webhookdef retire", "POST /v1/_teamdef delete" }, Calls());
            Assert.Equal($"{{\"op\":\"retire\",\"def_id\":\"{hook.DefId}\",\"retired\":true}}", Server.Requests[0].BodyText);
            Assert.False(Body(1).GetProperty("retired").GetBoolean());
            Assert.Equal(new[] { "False", "True" }, result.Output.Select(o => o.Str(o.Prop("Deleted") is null ? "Retired" : "Deleted")));
            Assert.False(Server.State.FindDefinition(hook.DefId)!.Retired);
            Assert.DoesNotContain(Server.State.Definitions, d => d.Family == "teamdef");
            ErrorRecord error = result.AssertSingleError("InvalidArgument", "RemoveLoomcycleDefinitionCommand", ErrorCategory.InvalidArgument, "Agent");
            Assert.Contains("no delete operation", error.Exception.Message);
            Assert.DoesNotContain("-DefId", error.Exception.Message);
            Assert.Equal("Retire its versions instead: Remove-LoomcycleDefinition -Kind Agent -DefId <def_…>.", error.ErrorDetails.RecommendedAction);
        }

        [Fact]
        public void ADeleteIsNotResentAfterABrokenConnection()
        {
            // A delete that reached the server would come back as "team not found" the second time.
            Server.Enqueue("POST", "/v1/_teamdef", Faults.ResetConnection());
            Run("Remove-LoomcycleDefinition -Kind Team -Name t -Delete -Confirm:$false -MaximumRetryCount 2 -RetryIntervalSec 1")
                .AssertSingleError("LoomcycleConnection", "RemoveLoomcycleDefinitionCommand", ErrorCategory.ConnectionError, "t");
            Assert.Single(Server.Requests);
        }

        [Fact]
        public void TestVerifiesTheHashAndQuietWritesABoolean()
        {
            DefinitionRecord v1 = Seed("agentdef", "triage", "{\"model\":\"m1\"}");
            Seed("agentdef", "triage", "{\"model\":\"m2\"}", promote: false);

            var quiet = Run($"Test-LoomcycleDefinition -Kind Agent -Name triage -ContentSha256 {v1.ContentSha256} -Quiet").ThrowIfErrors();
            var piped = Run("Get-LoomcycleDefinition -Kind Agent -Name triage -AllVersions | Test-LoomcycleDefinition").ThrowIfErrors();

            Assert.Equal(true, Assert.Single(quiet.Output).BaseObject);
            Assert.Equal($"{{\"op\":\"verify\",\"name\":\"triage\",\"content_sha256\":\"{v1.ContentSha256}\"}}", Server.Requests[0].BodyText);
            Assert.Equal(new object[] { false, true }, piped.Output.Select(o => o.Prop("Matches")));
            Assert.All(piped.Output, o => Assert.Equal(v1.DefId, o.Str("CurrentDefId")));
            Assert.Equal("Loomcycle.DefinitionVerification", piped.Output[0].TypeName());
        }

        [Fact]
        public void AToolRefusalIsTypedWithTheToolsMessageIntact()
        {
            var result = Run("Get-LoomcycleDefinition -Kind Agent -DefId def_missing");

            Assert.Equal(422, 422);
            ErrorRecord error = result.AssertSingleError("ToolRefused", "GetLoomcycleDefinitionCommand", ErrorCategory.InvalidOperation, "def_missing");
            Assert.Equal("get: def_id \"def_missing\" not found", error.ExceptionProperty("ToolMessage"));
            Assert.Equal("AgentDef", error.ExceptionProperty("Tool"));
            Assert.Equal("tool_refused", error.ExceptionProperty("Code"));
            Assert.Contains("get: def_id \"def_missing\" not found", error.Exception.Message);
        }

        [Fact]
        public void BadRequestAndInternalErrorsStayApart()
        {
            Server.Enqueue("POST", "/v1/_scheduledef", Faults.Json(400, "bad_request", "body is not valid JSON"));
            Server.Enqueue("POST", "/v1/_scheduledef", Faults.Json(500, "internal", "connector: tool ScheduleDef not registered"));

            var bad = Run("Get-LoomcycleDefinition -Kind Schedule -DefId def_a");
            var internalError = Run("Get-LoomcycleDefinition -Kind Schedule -DefId def_b -MaximumRetryCount 0");

            bad.AssertSingleError("InvalidArgument", "GetLoomcycleDefinitionCommand", ErrorCategory.InvalidArgument, "def_a");
            ErrorRecord error = internalError.AssertSingleError("LoomcycleServerError", "GetLoomcycleDefinitionCommand", ErrorCategory.InvalidResult, "def_b");
            Assert.Equal(500, error.ExceptionProperty("StatusCode"));
            Assert.Equal("internal", error.ExceptionProperty("Code"));
            Assert.Equal(2, Server.Requests.Count);
        }

        [Fact]
        public void SchedulesListStateAndRunNowPauseResume()
        {
            DefinitionRecord nightly = Seed("scheduledef", "nightly", "{\"schedule\":\"0 2 * * *\"}");
            Seed("scheduledef", "weekly", "{\"schedule\":\"0 3 * * 0\"}");

            var list = Run("Get-LoomcycleSchedule -Name night*").ThrowIfErrors();
            var state = Run("Get-LoomcycleSchedule -Name nightly | Get-LoomcycleSchedule").ThrowIfErrors();
            var quiet = Run("Get-LoomcycleSchedule -Name nightly | Start-LoomcycleSchedule; Suspend-LoomcycleSchedule -DefId " + nightly.DefId).ThrowIfErrors();
            var paused = Run($"Get-LoomcycleSchedule -DefId {nightly.DefId}").ThrowIfErrors();
            var resumed = Run($"Resume-LoomcycleSchedule {nightly.DefId} -PassThru").ThrowIfErrors();

            string id = nightly.DefId;
            Assert.Equal(new[]
            {
                "GET /v1/_schedules/list-all",
                "GET /v1/_schedules/list-all", $"GET /v1/_schedules/{id}/state",
                "GET /v1/_schedules/list-all", $"POST /v1/_schedules/{id}/run-now", $"POST /v1/_schedules/{id}/pause",
                $"GET /v1/_schedules/{id}/state",
                $"POST /v1/_schedules/{id}/resume",
            }, Calls());
            PSObject entry = Assert.Single(list.Output);
            Assert.Equal("Loomcycle.ScheduleEntry", entry.TypeName());
            Assert.Equal(id, entry.Str("DefId"));
            Assert.Equal("Loomcycle.ScheduleState", Assert.Single(state.Output).TypeName());
            Assert.Equal(false, state.Output[0].Prop("IsPaused"));
            Assert.Empty(quiet.Output);
            Assert.Equal(1, Server.State.ScheduleState(id).RunNowCount);
            Assert.Equal(true, Assert.Single(paused.Output).Prop("IsPaused"));
            PSObject answer = Assert.Single(resumed.Output);
            Assert.Equal(false, answer.Prop("Paused"));
            Assert.Null(Server.State.ScheduleState(id).PausedUntil);
        }

        [Fact]
        public void ScheduleControlOfAnUnknownDefIsNotFoundForThatDef()
        {
            var result = Run("Start-LoomcycleSchedule -DefId def_nope, def_nope2");
            Assert.Equal(2, result.AllErrors.Count());
            CmdletTestHelpers.AssertError(result.AllErrors.First(), "NotFound", "StartLoomcycleScheduleCommand", ErrorCategory.ObjectNotFound, "def_nope");
            var whatIf = Run("Suspend-LoomcycleSchedule -DefId def_a -WhatIf").ThrowIfErrors();
            Assert.Equal(2, Server.Requests.Count);
        }

        [Fact]
        public void PresetsListAndGetWithYaml()
        {
            var list = Run("Get-LoomcyclePreset").ThrowIfErrors();
            var one = Run("Get-LoomcyclePreset -Name coding-agent, nope");

            Assert.Equal(new[] { "GET /v1/_presets", "GET /v1/_presets/coding-agent", "GET /v1/_presets/nope" }, Calls());
            Assert.Equal(2, list.Output.Count);
            Assert.Equal("Loomcycle.Preset", list.Output[0].TypeName());
            Assert.Contains("coding-agent:", Assert.Single(one.Output).Str("Yaml"));
            one.AssertSingleError("NotFound", "GetLoomcyclePresetCommand", ErrorCategory.ObjectNotFound, "nope");
        }
    }
}
