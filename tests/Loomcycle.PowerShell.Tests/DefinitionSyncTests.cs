using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using System.Threading;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>Sync-LoomcycleDefinition end to end: the example folder of 12 definitions against the fake server.</summary>
    public sealed class DefinitionSyncTests : IClassFixture<ServerAndSession>, IDisposable
    {
        private static readonly string[] WriteOps = { "create", "fork", "promote", "retire", "delete", "purge" };

        private readonly ServerAndSession _fixture;
        private readonly DirectoryInfo _folder;

        public DefinitionSyncTests(ServerAndSession fixture)
        {
            _fixture = fixture;
            _fixture.Server.Reset();
            _folder = Directory.CreateTempSubdirectory("lc-sync-");
            string examples = Path.Combine(PowerShellSession.RepositoryRoot, "examples", "definitions");
            foreach (string file in Directory.GetFiles(examples, "*.json", SearchOption.AllDirectories))
            {
                string target = Path.Combine(_folder.FullName, Path.GetRelativePath(examples, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        private FakeLoomcycleServer Server => _fixture.Server;

        public void Dispose() => _folder.Delete(recursive: true);

        private PowerShellResult Sync(string arguments = "") =>
            _fixture.Session.Run("Sync-LoomcycleDefinition -Path $folder " + arguments, new Dictionary<string, object?> { ["folder"] = _folder.FullName });

        /// <summary>The ops of every tool call since the last clear ("agentdef create").</summary>
        private List<string> ToolOps() => Server.Requests
            .Where(r => r.Method == "POST" && r.Json is JsonElement j && j.ValueKind == JsonValueKind.Object && j.TryGetProperty("op", out _))
            .Select(r => r.RawTarget.Substring("/v1/_".Length) + " " + r.Json!.Value.GetProperty("op").GetString())
            .ToList();

        private List<string> Writes() => ToolOps().Where(o => WriteOps.Contains(o.Split(' ')[1])).ToList();

        private static Dictionary<string, string> Actions(PowerShellResult result) =>
            result.Output.ToDictionary(o => o.Str("Kind") + "/" + o.Str("Name"), o => o.Str("Action")!);

        [Fact]
        public void AFieldDeletedFromAFileAloneIsNamedInAWarning()
        {
            // Only the fields a file sets are compared: deleting "tools" alone used to pass as unchanged without a word,
            // and the live agent kept its tools.
            Sync().ThrowIfErrors();
            string file = Path.Combine(_folder.FullName, "agent", "researcher.json");
            var definition = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            definition.Remove("tools");
            File.WriteAllText(file, definition.ToJsonString());
            Server.ClearRequests();

            var result = Sync("-Kind Agent").ThrowIfErrors();

            Assert.Equal("Unchanged", Actions(result)["Agent/researcher"]);
            Assert.Empty(Writes());
            string warning = Assert.Single(result.Warnings);
            Assert.Contains("Agent 'researcher': the active version also sets tools, which the file does not", warning);
        }

        [Fact]
        public void AListingOfSeveralTenantsIsRefusedAndNothingIsWrittenOrRetired()
        {
            // An admin token lists (and may retire) every tenant's definitions: -Prune once retired other tenants' agents.
            Sync().ThrowIfErrors();
            Server.ClearRequests();
            Server.Enqueue("GET", "/v1/_agentdef/names", Faults.Status(200, "application/json",
                "{\"names\":[{\"name\":\"triage\",\"version_count\":1,\"active_def_id\":\"def_a\",\"latest_version\":1,\"last_updated\":\"2026-12-07T00:00:00Z\"}," +
                "{\"name\":\"billing\",\"tenant_id\":\"acme\",\"version_count\":1,\"active_def_id\":\"def_b\",\"latest_version\":1,\"last_updated\":\"2026-12-07T00:00:00Z\"}]}"));

            var result = Sync("-Kind Agent -Prune -Force");

            ErrorRecord error = result.AssertSingleError("InvalidArgument", "SyncLoomcycleDefinitionCommand", ErrorCategory.InvalidArgument, "Agent");
            Assert.Contains("definitions of 2 tenants", error.Exception.Message);
            Assert.Empty(result.Output);
            Assert.Empty(ToolOps()); // no read, no write, no retire
        }

        [Fact]
        public void TwelveCreatedThenUnchangedThenTwoUpdatedThenOneRetired()
        {
            // 1. Empty server: every definition is created and promoted.
            var first = Sync().ThrowIfErrors();
            Assert.Equal(12, first.Output.Count);
            Assert.All(first.Output, o => Assert.Equal("Loomcycle.PowerShell.DefinitionSyncResult", o.TypeName()));
            Assert.All(Actions(first).Values, a => Assert.Equal("Created", a));
            Assert.Equal(12, Writes().Count);
            Assert.All(Writes(), w => Assert.EndsWith(" create", w));
            Assert.All(first.Output, o => Assert.Equal(o.Str("DefId"), Server.State.ActiveDefinition(Family(o.Str("Kind")!), o.Str("Name")!)));
            Assert.Equal(10, Server.Requests.Count(r => r.Method == "GET")); // one name listing per kind

            // 2. Again: nothing differs, no write request is sent.
            Server.ClearRequests();
            var second = Sync().ThrowIfErrors();
            Assert.Equal(12, second.Output.Count);
            Assert.All(Actions(second).Values, a => Assert.Equal("Unchanged", a));
            Assert.Empty(second.Warnings); // no field the server stamps itself is taken for one the file lost
            Assert.Empty(Writes());
            Assert.Equal(first.Output.Select(o => o.Str("DefId")), second.Output.Select(o => o.Str("DefId")));

            // 3. Edit two files; reformat a third (keys reordered, numbers written differently, an empty field added): 2 Updated.
            Edit("agent/triage.json", "\"max_iterations\": 12", "\"max_iterations\": 20");
            Edit("schedule/nightly-digest.json", "0 2 * * *", "30 1 * * *");
            File.WriteAllText(Path.Combine(_folder.FullName, "memorybackend", "vector-store.json"),
                "{\"health_check_interval_seconds\": 60.0, \"tenancy_strategy\": \"key_per_tenant\", \"api_key_env\": \"VECTOR_STORE_KEY\", " +
                "\"api_version\": \"v1\", \"base_url\": \"https://vectors.internal.example.com\", \"kind\": \"http\", \"config\": {}, \"fallback_on_error\": false}");
            Server.ClearRequests();
            var third = Sync("-Verbose").ThrowIfErrors();
            Dictionary<string, string> actions = Actions(third);
            Assert.Equal("Updated", actions["Agent/triage"]);
            Assert.Equal("Updated", actions["Schedule/nightly-digest"]);
            Assert.Equal(10, actions.Values.Count(a => a == "Unchanged"));
            Assert.Equal(new[] { "agentdef create", "scheduledef create" }, Writes());
            PSObject triage = third.Output.Single(o => o.Str("Name") == "triage");
            Assert.Equal(new[] { "max_iterations" }, (string[])triage.Prop("Changes")!);
            Assert.Equal(2, Server.State.Definitions.Count(d => d.Name == "triage"));
            Assert.Equal(triage.Str("DefId"), Server.State.ActiveDefinition("agentdef", "triage"));
            Assert.Contains(third.Verbose, v => v.Contains("Agent 'triage' differs") && v.Contains("max_iterations"));

            // 4. Delete one file: -WhatIf -Prune sends no change and writes no Retired result.
            File.Delete(Path.Combine(_folder.FullName, "skill", "translate.json"));
            Server.ClearRequests();
            var plan = Sync("-Prune -WhatIf").ThrowIfErrors();
            Assert.Empty(Writes());
            Assert.DoesNotContain(plan.Output, o => o.Str("Action") == "Retired");
            Assert.Equal(11, plan.Output.Count);

            // 5. -Prune -Force: 1 Retired, every live version of it retired; the rest untouched.
            Server.ClearRequests();
            var pruned = Sync("-Prune -Force").ThrowIfErrors();
            Assert.Equal("Retired", Actions(pruned)["Skill/translate"]);
            Assert.Equal(11, Actions(pruned).Values.Count(a => a == "Unchanged"));
            Assert.Equal(new[] { "skilldef retire" }, Writes());
            Assert.All(Server.State.Definitions.Where(d => d.Name == "translate"), d => Assert.True(d.Retired));

            // 6. Pruning again finds nothing live to retire.
            Server.ClearRequests();
            var again = Sync("-Prune -Force").ThrowIfErrors();
            Assert.Equal(11, again.Output.Count);
            Assert.Empty(Writes());
        }

        [Fact]
        public void YamlFilesSyncLikeTheirJsonAndAreComparedByMeaning()
        {
            Sync("-Kind Agent").ThrowIfErrors();
            File.Delete(Path.Combine(_folder.FullName, "agent", "researcher.json"));
            File.WriteAllText(Path.Combine(_folder.FullName, "agent", "researcher.yaml"), string.Join("\n",
                "# the same definition, written as YAML",
                "provider: anthropic",
                "model: claude-sonnet-4-5",
                "system_prompt: >-",
                "  You research a question with the tools you have",
                "  and answer with sources.",
                "tools: [WebFetch, Read]",
                "skills:",
                "  - summarise",
                "max_iterations: 30",
                "run_timeout_seconds: 900.0",
                "memory_backend: ''",
                ""));
            File.WriteAllText(Path.Combine(_folder.FullName, "agent", "coder.yml"), "model: 'large'\nmax_iterations: \"7\"\nretry_attempts: 2\nenabled: true\nnote: ~\n");
            File.WriteAllText(Path.Combine(_folder.FullName, "agent", "triage.yml"), "model: twice\n");
            Server.ClearRequests();

            var result = Sync("-Kind Agent");

            Assert.Equal(new[] { "coder:Created", "researcher:Unchanged", "triage:Failed" }, result.Output.Select(o => $"{o.Str("Name")}:{o.Str("Action")}"));
            Assert.Equal(new[] { "agentdef create" }, Writes());
            JsonElement overlay = Server.Requests.Single(r => r.Json is JsonElement j && j.GetProperty("op").GetString() == "create").Json!.Value.GetProperty("overlay");
            Assert.Equal("{\"model\":\"large\",\"max_iterations\":\"7\",\"retry_attempts\":2,\"enabled\":true,\"note\":null}", overlay.GetRawText());
            ErrorRecord error = Assert.Single(result.AllErrors);
            Assert.Contains("more than one file", error.Exception.Message);

            // YamlDotNet came from the module's deps folder, into its private load context.
            var loaded = _fixture.Session.Run(
                "$a = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'YamlDotNet' }; " +
                "@($a).Count; $a.Location -like '*deps*'; [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($a) -eq [System.Runtime.Loader.AssemblyLoadContext]::Default").ThrowIfErrors();
            Assert.Equal(new object[] { 1, true, false }, loaded.Output.Select(o => o.BaseObject));
        }

        [Fact]
        public void AnInvalidYamlFileIsFailed()
        {
            File.WriteAllText(Path.Combine(_folder.FullName, "skill", "bad.yaml"), "body: [unclosed\n");
            File.WriteAllText(Path.Combine(_folder.FullName, "skill", "list.yaml"), "- a\n- b\n");

            var result = Sync("-Kind Skill -WhatIf");

            Assert.Equal(new[] { "bad:Failed", "list:Failed" }, result.Output.Select(o => $"{o.Str("Name")}:{o.Str("Action")}"));
            Assert.Contains("not valid YAML", result.AllErrors.First().Exception.Message);
            Assert.Contains("one YAML mapping", result.AllErrors.Last().Exception.Message);
        }

        [Fact]
        public void WhatIfOnAnEmptyServerSendsNothing()
        {
            var plan = Sync("-WhatIf").ThrowIfErrors();
            Assert.Empty(plan.Output);
            Assert.Empty(Writes());
            Assert.Empty(Server.State.Definitions);
        }

        [Fact]
        public void ABadFileIsFailedAndTheOthersStillSync()
        {
            File.WriteAllText(Path.Combine(_folder.FullName, "agent", "broken.json"), "{ \"model\": ");
            Directory.CreateDirectory(Path.Combine(_folder.FullName, "notakind"));

            var result = Sync("-Kind Agent, Skill");

            Assert.Equal(new[] { "Agent/broken:Failed", "Agent/researcher:Created", "Agent/triage:Created", "Skill/summarise:Created", "Skill/translate:Created" },
                result.Output.Select(o => $"{o.Str("Kind")}/{o.Str("Name")}:{o.Str("Action")}"));
            ErrorRecord error = Assert.Single(result.AllErrors);
            Assert.Equal("InvalidArgument,Loomcycle.PowerShell.Commands.SyncLoomcycleDefinitionCommand", error.FullyQualifiedErrorId);
            Assert.EndsWith("broken.json", (string)error.TargetObject);
            Assert.Same(error.Exception, ((ErrorRecord)result.Output[0].Prop("Error")!).Exception);
            Assert.Contains(result.Warnings, w => w.Contains("notakind"));
            Assert.Equal(4, Writes().Count);
        }

        [Fact]
        public void ARefusedCreateIsFailedWithTheToolsMessage()
        {
            Server.Enqueue("POST", "/v1/_webhookdef", Faults.Json(422, "tool_refused", "create: webhook github-push: channel \"ci/pushes\" is not declared", new { tool = "WebhookDef" }));

            var result = Sync("-Kind Webhook");

            PSObject failed = Assert.Single(result.Output);
            Assert.Equal("Failed", failed.Str("Action"));
            ErrorRecord error = Assert.Single(result.AllErrors);
            CmdletTestHelpers.AssertError(error, "ToolRefused", "SyncLoomcycleDefinitionCommand", ErrorCategory.InvalidOperation, "github-push");
            Assert.Equal("create: webhook github-push: channel \"ci/pushes\" is not declared", error.ExceptionProperty("ToolMessage"));
        }

        /// <summary>Writes <paramref name="count"/> agent definitions, a-00 … a-NN, into a folder of their own; returns it.</summary>
        private string ManyAgents(int count)
        {
            string root = Path.Combine(_folder.FullName, "many");
            Directory.CreateDirectory(Path.Combine(root, "agent"));
            for (int i = 0; i < count; i++)
            {
                File.WriteAllText(Path.Combine(root, "agent", $"a-{i:00}.json"), $"{{\"model\": \"claude-sonnet-4-5\", \"system_prompt\": \"agent {i}\"}}");
            }

            return root;
        }

        private PowerShellResult SyncFolder(string root, string arguments = "") =>
            _fixture.Session.Run("Sync-LoomcycleDefinition -Path $root " + arguments, new Dictionary<string, object?> { ["root"] = root });

        [Fact]
        public void ActiveVersionsAreReadSixAtOnce_ResultsStayInFileOrder_NoWrite()
        {
            string root = ManyAgents(20);
            SyncFolder(root).ThrowIfErrors();
            Server.ClearRequests();

            // Every op get waits 150 ms at the server: how many are in flight at once is what the client sends.
            int inFlight = 0, mostAtOnce = 0;
            Func<Microsoft.AspNetCore.Http.HttpContext, System.Threading.Tasks.Task> slowGet = Faults.Delayed(TimeSpan.FromMilliseconds(150));
            for (int i = 0; i < 20; i++)
            {
                Server.Enqueue("POST", "/v1/_agentdef", async ctx =>
                {
                    int now = System.Threading.Interlocked.Increment(ref inFlight);
                    int seen;
                    while (now > (seen = System.Threading.Volatile.Read(ref mostAtOnce)) &&
                           System.Threading.Interlocked.CompareExchange(ref mostAtOnce, now, seen) != seen)
                    {
                    }

                    try
                    {
                        await slowGet(ctx);
                    }
                    finally
                    {
                        System.Threading.Interlocked.Decrement(ref inFlight);
                    }
                });
            }

            var second = SyncFolder(root).ThrowIfErrors();

            Assert.Equal(Enumerable.Range(0, 20).Select(i => $"a-{i:00}:Unchanged"), second.Output.Select(o => $"{o.Str("Name")}:{o.Str("Action")}"));
            Assert.Equal(6, mostAtOnce);
            Assert.Equal(0, Server.PendingOverrides);
            Assert.Equal(Enumerable.Repeat("agentdef get", 20), ToolOps());
        }

        [Fact]
        public void AFailedReadUnderErrorActionStop_StopsTheSync_NoLaterFileIsWritten()
        {
            string root = ManyAgents(12);
            SyncFolder(root).ThrowIfErrors();
            Edit(Path.Combine("many", "agent", "a-05.json"), "agent 5", "agent five");
            Server.ClearRequests();
            Server.Enqueue("POST", "/v1/_agentdef", Faults.Json(500, "internal", "the definition store is down"));

            var result = SyncFolder(root, "-ErrorAction Stop");

            Assert.NotNull(result.Terminating);
            Assert.Contains("the definition store is down", result.Terminating!.Message, StringComparison.Ordinal);
            Assert.Empty(Writes());
            Assert.InRange(ToolOps().Count, 1, 6);
        }

        [Fact]
        public void AMissingFolderIsATerminatingInvalidArgument()
        {
            var result = _fixture.Session.Run("Sync-LoomcycleDefinition -Path ./no/such/folder");
            Assert.NotNull(result.Terminating ?? result.AllErrors.FirstOrDefault()?.Exception);
            Assert.Contains(result.AllErrors, e => e.FullyQualifiedErrorId.StartsWith("InvalidArgument,", StringComparison.Ordinal));
            Assert.Empty(Server.Requests);
        }

        private void Edit(string relative, string from, string to)
        {
            string path = Path.Combine(_folder.FullName, relative);
            string text = File.ReadAllText(path);
            Assert.Contains(from, text);
            File.WriteAllText(path, text.Replace(from, to));
        }

        private static string Family(string kind) => kind.ToLowerInvariant() + "def";
    }
}
