using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading.Tasks;
using System.Xml.Linq;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>Loomcycle.format.ps1xml: it loads, every declared output type has a view, and its script blocks work on real objects.</summary>
    public sealed partial class FormattingTests : IClassFixture<ServerAndSession>
    {
        // Output types PowerShell already knows how to show.
        private static readonly HashSet<string> BuiltInOutputTypes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "System.Boolean", "System.IO.FileInfo", "System.Void", "System.String",
        };

        private readonly ServerAndSession _fixture;

        public FormattingTests(ServerAndSession fixture)
        {
            _fixture = fixture;
        }

        /// <summary>Where the views are written, one file per area (the build merges them into the module's one format file).</summary>
        public static string ViewSourceFolder => Path.Combine(PowerShellSession.RepositoryRoot, "src", "Loomcycle.PowerShell", "Views");

        /// <summary>Every format file the built module ships (one: the build merges Views/*.format.ps1xml).</summary>
        public static string[] FormatFiles =>
            Directory.GetFiles(Path.GetDirectoryName(PowerShellSession.ModuleManifest)!, "*.format.ps1xml").OrderBy(f => f, StringComparer.Ordinal).ToArray();

        /// <summary>Type name → view name for every view in the module's format file.</summary>
        public static Dictionary<string, XElement> Views(string files = "*.format.ps1xml")
        {
            // Read from the sources (Loomcycle.format.ps1xml and Loomcycle.<Area>.format.ps1xml), so a test can name one area.
            var views = new Dictionary<string, XElement>(StringComparer.OrdinalIgnoreCase);
            foreach (XElement view in Directory.GetFiles(ViewSourceFolder, files).SelectMany(f => XDocument.Load(f).Descendants("View")))
            {
                foreach (XElement type in view.Element("ViewSelectedBy")!.Elements("TypeName"))
                {
                    Assert.False(views.ContainsKey(type.Value), $"two views select {type.Value}");
                    views[type.Value] = view;
                }
            }

            return views;
        }

        [Fact]
        public void TheFormatFileLoadsIntoAFormatTableWithoutErrors()
        {
            // The same loader PowerShell uses for FormatsToProcess; it throws FormatTableLoadException listing every problem.
            Assert.Contains(FormatFiles, f => Path.GetFileName(f) == "Loomcycle.format.ps1xml");
            var table = new FormatTable(FormatFiles);
            Assert.NotNull(table);
        }

        [Fact]
        public void TheModuleShipsOneFormatFileAndOneTypesFileHoldingEveryAreasViewsAndTypes()
        {
            // Import-Module pays per file a manifest names (issue 15, goal 3): the build merges the areas' files.
            string folder = Path.GetDirectoryName(PowerShellSession.ModuleManifest)!;
            Assert.Equal(new[] { "Loomcycle.format.ps1xml" }, FormatFiles.Select(Path.GetFileName).ToArray());
            Assert.Equal(new[] { "Loomcycle.types.ps1xml" }, Directory.GetFiles(folder, "*.types.ps1xml").Select(Path.GetFileName).ToArray());

            static string[] Elements(IEnumerable<string> files, string name) =>
                files.SelectMany(f => XDocument.Load(f).Descendants(name)).Select(e => e.ToString(SaveOptions.DisableFormatting)).OrderBy(x => x, StringComparer.Ordinal).ToArray();

            string[] sourceViews = Elements(Directory.GetFiles(ViewSourceFolder, "*.format.ps1xml"), "View");
            Assert.True(sourceViews.Length > 50, $"only {sourceViews.Length} views in {ViewSourceFolder}");
            Assert.Equal(sourceViews, Elements(FormatFiles, "View"));
            string[] sourceTypes = Elements(Directory.GetFiles(ViewSourceFolder, "*.types.ps1xml"), "Type");
            Assert.NotEmpty(sourceTypes);
            Assert.Equal(sourceTypes, Elements(new[] { Path.Combine(folder, "Loomcycle.types.ps1xml") }, "Type"));
        }

        [Fact]
        public async Task ARealPwshThatImportsTheModuleHasAViewForEveryTypeOfTheFormatFiles()
        {
            // Get-FormatData lives in Microsoft.PowerShell.Utility, which the hosted runspace does not have: ask the real
            // pwsh, as a user's session would load the module (FormatsToProcess of the built manifest).
            var (exitCode, output, errors) = await RealPwsh.RunAsync(
                "$ErrorActionPreference = 'Stop'; Import-Module ./out/Loomcycle/Loomcycle.psd1; Get-FormatData -TypeName 'Loomcycle.*' | ForEach-Object TypeNames");
            Assert.True(exitCode == 0, "pwsh failed: " + errors);
            var registered = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var missing = Views().Keys.Where(t => !registered.Contains(t)).OrderBy(t => t).ToList();
            Assert.True(missing.Count == 0, "Views the imported module does not register (is the file in FormatsToProcess?): " + string.Join(", ", missing));
        }

        [Fact]
        public void EveryExportedCmdletDeclaresOutputTypeAndEveryOutputTypeHasAView()
        {
            var cmdlets = _fixture.Session.Run("Get-Command -Module Loomcycle -CommandType Cmdlet").ThrowIfErrors().Output
                .Select(o => (CmdletInfo)o.BaseObject).ToList();
            Assert.NotEmpty(cmdlets);
            var views = Views();
            var problems = new List<string>();
            foreach (CmdletInfo cmdlet in cmdlets)
            {
                var declared = cmdlet.ImplementingType.GetCustomAttributes(typeof(OutputTypeAttribute), inherit: true).Cast<OutputTypeAttribute>().ToList();
                if (declared.Count == 0)
                {
                    problems.Add($"{cmdlet.Name} declares no [OutputType]");
                    continue;
                }

                foreach (PSTypeName type in declared.SelectMany(a => a.Type))
                {
                    string name = type.Type?.FullName ?? type.Name;
                    if (!BuiltInOutputTypes.Contains(name) && !views.ContainsKey(name))
                    {
                        problems.Add($"{cmdlet.Name} outputs {name}, which has no view in the module's format files");
                    }
                }
            }

            Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        }

        [Fact]
        public void EveryTypeOfTheLoomcycleNamespaceThatACmdletCanOutputHasAView()
        {
            // The engine's public result types (not the nested helper types such as ToolUse) each have a view.
            string[] expected =
            {
                "RunEvent", "RunResult", "Agent", "CancelAgentResult", "Transcript", "TranscriptEvent", "Health", "User", "RuntimeState",
                "PauseResult", "ResumeResult", "Snapshot", "SnapshotRestoreResult", "MemoryScope", "MemoryScopeId", "MemoryEntry",
                "Interrupt", "InterruptResolution", "Hook", "LoomcycleConnection",
            };
            var views = Views();
            Assert.All(expected, name => Assert.True(views.ContainsKey("Loomcycle." + name), "no view for Loomcycle." + name));
            Assert.Equal("CustomControl", views["Loomcycle.RunEvent"].Elements().Last().Name.LocalName);
            Assert.NotNull(views["Loomcycle.Snapshot"].Element("TableControl"));
        }

        [Fact]
        public void TheRunEventViewShowsOneCompactLinePerEvent()
        {
            string script = ScriptBlocks("Loomcycle.RunEvent").Single();
            var result = _fixture.Session.Run("Invoke-LoomcycleRun -Agent tools -Prompt 'fetch it' | ForEach-Object { " + script + " }");
            result.ThrowIfErrors();
            var lines = result.Output.Select(o => o.ToString()).ToList();
            Assert.Contains("Let me fetch that page.", lines); // text: the delta itself
            Assert.Contains(lines, l => l.StartsWith("→ WebFetch {", StringComparison.Ordinal) && l.Contains("\"url\"") && !l.Contains('\n'));
            Assert.Contains(lines, l => l.StartsWith("hosts + example.com", StringComparison.Ordinal));
            Assert.Matches("^done end_turn · in \\d+ / out \\d+ tokens", lines.Last());

            var failed = _fixture.Session.Run("Invoke-LoomcycleRun -Agent fail -Prompt x -ErrorAction SilentlyContinue | ForEach-Object { " + script + " }");
            Assert.Contains(failed.Output.Select(o => o.ToString()), l => l.StartsWith("error: ", StringComparison.Ordinal) && l.Contains("overloaded"));
        }

        [Fact]
        public void TheSnapshotViewShowsAHumanReadableSizeAndAnAge()
        {
            var scripts = ScriptBlocks("Loomcycle.Snapshot");
            var result = _fixture.Session.Run(
                "$s = [Loomcycle.Snapshot]@{ Id = 'snap_1'; Label = 'nightly'; ByteSize = 12897485; CreatedAt = [DateTimeOffset]::Now.AddHours(-3).AddMinutes(-1) }; " +
                string.Join("; ", scripts.Select(s => "$_ = $s; " + s)));
            result.ThrowIfErrors();
            var cells = result.Output.Select(o => o?.ToString()).ToList();
            Assert.Contains("12.3 MB", cells);
            Assert.Contains("3h", cells);
            Assert.Equal("512 B", _fixture.Session.Run("[Loomcycle.PowerShell.LoomcycleFormat]::Size(512)").Output.Single().ToString());
            Assert.Equal("1.5 KB", _fixture.Session.Run("[Loomcycle.PowerShell.LoomcycleFormat]::Size(1536)").Output.Single().ToString());
        }

        [Fact]
        public void EveryScriptBlockOfEveryViewRunsWithoutErrorsOnASampleObject()
        {
            // Samples the way cmdlets produce them: a real run result, and objects of the public model types.
            var samples = new Dictionary<string, string>
            {
                ["Loomcycle.RunResult"] = "Invoke-LoomcycleRun -Agent echo -Prompt 'a b' -AsResult",
                ["Loomcycle.RunEvent"] = "(Invoke-LoomcycleRun -Agent echo -Prompt 'a b')[-1]",
                ["Loomcycle.LoomcycleConnection"] = "Get-LoomcycleConnection",
                ["Loomcycle.Health"] = "Get-LoomcycleHealth",
                ["Loomcycle.Agent"] = "[Loomcycle.Agent]@{ AgentId = 'a_1'; Status = 'running'; StartedAt = [DateTimeOffset]::Now.AddMinutes(-2) }",
                ["Loomcycle.CancelAgentResult"] = "[Loomcycle.CancelAgentResult]@{ AgentId = 'a_1'; Cancelled = $true; Cascaded = @('a_2') }",
                ["Loomcycle.Transcript"] = "[Loomcycle.Transcript]@{ Events = @([Loomcycle.TranscriptEvent]@{ Seq = 1; Type = 'text'; TsNs = 1767225600000000000 }) }",
                ["Loomcycle.TranscriptEvent"] = "[Loomcycle.TranscriptEvent]@{ Seq = 1; Type = 'text'; TsNs = 1767225600000000000; Event = [Loomcycle.RunEvent]@{ Type = 'text'; Text = 'hi' } }",
                ["Loomcycle.User"] = "[Loomcycle.User]@{ UserId = 'u1'; LastStartedAt = [DateTimeOffset]::Now }",
                ["Loomcycle.RuntimeState"] = "[Loomcycle.RuntimeState]@{ State = 'running' }",
                ["Loomcycle.PauseResult"] = "[Loomcycle.PauseResult]@{ State = 'paused'; DurationMs = 1500; Warnings = @('w') }",
                ["Loomcycle.ResumeResult"] = "[Loomcycle.ResumeResult]@{ State = 'running' }",
                ["Loomcycle.Snapshot"] = "[Loomcycle.Snapshot]@{ Id = 'snap_1'; ByteSize = 10 }",
                ["Loomcycle.SnapshotRestoreResult"] = "[Loomcycle.SnapshotRestoreResult]@{ MemoryRestored = 2 }",
                ["Loomcycle.MemoryScope"] = "[Loomcycle.MemoryScope]@{ Name = 'agent' }",
                ["Loomcycle.MemoryScopeId"] = "[Loomcycle.MemoryScopeId]@{ ScopeId = 'researcher'; Bytes = 2048; UpdatedAt = [DateTimeOffset]::Now }",
                ["Loomcycle.MemoryEntry"] = "[Loomcycle.MemoryEntry]@{ Key = 'k'; Value = '{\"a\":1}'; UpdatedAt = [DateTimeOffset]::Now; ExpiresAt = [DateTimeOffset]::Now }",
                ["Loomcycle.Interrupt"] = "[Loomcycle.Interrupt]@{ InterruptId = 'intr_1'; Question = 'Deploy?'; Options = '[\"yes\",\"no\"]' }",
                ["Loomcycle.InterruptResolution"] = "[Loomcycle.InterruptResolution]@{ InterruptId = 'intr_1'; Status = 'resolved'; ResolvedAt = [DateTimeOffset]::Now }",
                ["Loomcycle.Hook"] = "[Loomcycle.Hook]@{ Id = 'hook_1'; Tools = @('WebFetch') }",
                ["Loomcycle.DefinitionVersion"] = "[Loomcycle.DefinitionVersion]@{ DefId = 'def_1'; Name = 'triage'; Version = 2; Description = 'why'; CreatedAt = [DateTimeOffset]::Now }",
                ["Loomcycle.DefinitionSummary"] = "[Loomcycle.DefinitionSummary]@{ Name = 'triage'; VersionCount = 2; ActiveDefId = 'def_1' }",
                ["Loomcycle.DefinitionChange"] = "[Loomcycle.DefinitionChange]@{ DefId = 'def_1'; Retired = $true }",
                ["Loomcycle.DefinitionVerification"] = "[Loomcycle.DefinitionVerification]@{ Name = 'triage'; Matches = $true; Deployed = $true }",
                ["Loomcycle.PowerShell.DefinitionSyncResult"] = "[Loomcycle.PowerShell.DefinitionSyncResult]::new('Agent', 'triage', 'Updated', 'def_1', '/defs/agent/triage.json')",
                ["Loomcycle.ScheduleEntry"] = "[Loomcycle.ScheduleEntry]@{ Name = 'nightly'; ActiveDefId = 'def_1' }",
                ["Loomcycle.ScheduleState"] = "[Loomcycle.ScheduleState]@{ DefId = 'def_1'; NextRunAt = [DateTimeOffset]::Now }",
                ["Loomcycle.ScheduleControlResult"] = "[Loomcycle.ScheduleControlResult]@{ DefId = 'def_1'; Scheduled = 'next-tick' }",
                ["Loomcycle.Volume"] = "[Loomcycle.Volume]@{ Name = 'scratch'; Source = 'dynamic'; Mode = 'rw' }",
                ["Loomcycle.Preset"] = "[Loomcycle.Preset]@{ Name = 'coding-agent'; Kind = 'agent' }",
                ["Loomcycle.PowerShell.LoomcycleHookListener"] = "$(Register-LoomcycleHook -Owner fmt -Name view -Phase pre -ScriptBlock { param($c) } | Out-Null; @(Get-LoomcycleHookListener)[0])",
                ["Loomcycle.Hooks.HookRoute"] = "@(Get-LoomcycleHookListener)[0].Hooks[0]",
                ["Loomcycle.Hooks.HookListenerError"] = "@(Get-LoomcycleHookListener)[0].Errors",
                // Data (issue 12)
                ["Loomcycle.MemoryWriteResult"] = "[Loomcycle.MemoryWriteResult]@{ Scope = 'user'; ScopeId = 'u1'; Key = 'k'; Embedded = $true }",
                ["Loomcycle.MemorySearchHit"] = "[Loomcycle.MemorySearchHit]@{ Key = 'k'; Value = '{\"a\":1}'; Score = 0.5; RankScore = 0.75; Kind = 'fact' }",
                ["Loomcycle.MemoryEmbeddingStats"] = "[Loomcycle.MemoryEmbeddingStats]@{ Scope = 'user'; Models = @([Loomcycle.MemoryEmbeddingModel]@{ Provider = 'p'; Model = 'm'; Dimension = 8; RowCount = 3 }); TotalEmbeddingBytes = 4096; Notes = @('n') }",
                ["Loomcycle.MemoryEmbeddingResult"] = "[Loomcycle.MemoryEmbeddingResult]@{ Scope = 'user'; ScopeId = 'u1'; DryRun = $true; Candidates = 3; More = $true; SampleKeys = @('a', 'b') }",
                ["Loomcycle.MemoryChange"] = "[Loomcycle.MemoryChange]@{ Seq = 7; Type = 'memory.set'; Scope = 'user'; ScopeId = 'u1'; Key = 'k'; At = [DateTimeOffset]::Now }",
                ["Loomcycle.Channel"] = "[Loomcycle.Channel]@{ Name = 'work'; MessageCount = 2; NewestVisibleAt = [DateTimeOffset]::Now; Description = 'jobs' }",
                ["Loomcycle.ChannelPublishResult"] = "[Loomcycle.ChannelPublishResult]@{ Id = 'msg_1'; Channel = 'work'; CreatedAt = [DateTimeOffset]::Now }",
                ["Loomcycle.ChannelMessage"] = "[Loomcycle.ChannelMessage]@{ Id = 'msg_1'; Channel = 'work'; PayloadJson = '{\"n\":1}'; PublishedAt = [DateTimeOffset]::Now; Cursor = 'cur_0' }",
                ["Loomcycle.ChannelWaitResult"] = "[Loomcycle.ChannelWaitResult]@{ Satisfied = $true; Mode = 'any'; Fired = @('a'); TotalMessages = 1 }",
                ["Loomcycle.Chat"] = "[Loomcycle.Chat]@{ SessionId = 's_1'; Title = 'hello'; LastActivity = [DateTimeOffset]::Now; RunCount = 2 }",
            };

            // Areas add their samples in FormattingTests.<Area>.cs: a static Dictionary<string, string> field named *Samples.
            foreach (System.Reflection.FieldInfo field in typeof(FormattingTests).GetFields(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic))
            {
                if (field.Name.EndsWith("Samples", StringComparison.Ordinal) && field.GetValue(null) is Dictionary<string, string> more)
                {
                    foreach (KeyValuePair<string, string> entry in more)
                    {
                        samples.Add(entry.Key, entry.Value);
                    }
                }
            }

            // Every sample is of a view; every view of Loomcycle.format.ps1xml has a sample (the areas' views are also
            // rendered from real cmdlet output in the real pwsh: tests/Pester/Presentation.Tests.ps1).
            Assert.Empty(samples.Keys.Except(Views().Keys, StringComparer.OrdinalIgnoreCase));
            Assert.Empty(Views("Loomcycle.format.ps1xml").Keys.Except(samples.Keys, StringComparer.OrdinalIgnoreCase));
            foreach (KeyValuePair<string, string> sample in samples)
            {
                foreach (string script in ScriptBlocks(sample.Key))
                {
                    var result = _fixture.Session.Run("Set-StrictMode -Version 3; $sample = " + sample.Value + "; $_ = $sample; " + script);
                    Assert.True(result.Terminating is null && result.Errors.Count == 0,
                        $"{sample.Key}: {script} failed: {result.Terminating?.Message} {string.Join("; ", result.Errors)}");
                }
            }
        }

        [Fact]
        public void NoViewCanShowATokenEvenWithAConnectionThatHasOne()
        {
            const string secret = "format-view-secret-0123456789";
            string connection = "Connect-Loomcycle -BaseUrl http://127.0.0.1:1 -Token $tok -PassThru -NoDefault";
            var texts = new List<string>();
            foreach (string script in ScriptBlocks("Loomcycle.LoomcycleConnection").Concat(PropertyNames("Loomcycle.LoomcycleConnection").Select(p => "$_." + p)))
            {
                var result = _fixture.Session.Run("$tok = [System.Security.SecureString]::new(); '" + secret + "'.ToCharArray() | ForEach-Object { $tok.AppendChar($_) }; $_ = " + connection + "; " + script);
                texts.Add(result.Everything());
            }

            Assert.Contains(texts, t => t.Contains("True")); // HasToken
            Assert.DoesNotContain(texts, t => t.Contains(secret));
        }

        private static List<string> ScriptBlocks(string typeName) =>
            Views()[typeName].Descendants("ScriptBlock").Select(e => e.Value).ToList();

        private static List<string> PropertyNames(string typeName) =>
            Views()[typeName].Descendants("PropertyName").Select(e => e.Value).ToList();
    }
}
