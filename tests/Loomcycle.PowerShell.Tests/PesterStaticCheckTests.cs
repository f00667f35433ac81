using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>
    /// Pester cannot run here, so its files are checked statically against the module they test: they parse, and every
    /// *-Loomcycle* command they call is exported, with parameters that bind the way PowerShell binds them (full
    /// names, aliases, unambiguous prefixes).
    /// </summary>
    public sealed class PesterStaticCheckTests
    {
        private static readonly string[] DesignCmdlets =
        {
            "Invoke-LoomcycleRun", "Send-LoomcycleMessage", "Get-LoomcycleAgent", "Stop-LoomcycleAgent", "Get-LoomcycleTranscript",
            "Get-LoomcycleHealth", "Test-LoomcycleConnection", "Get-LoomcycleUser", "Suspend-LoomcycleRuntime", "Resume-LoomcycleRuntime",
            "Get-LoomcycleRuntimeState", "New-LoomcycleSnapshot", "Get-LoomcycleSnapshot", "Export-LoomcycleSnapshot", "Restore-LoomcycleSnapshot",
            "Remove-LoomcycleSnapshot", "Get-LoomcycleMemoryScope", "Get-LoomcycleMemoryScopeId", "Get-LoomcycleMemory", "Get-LoomcycleInterrupt",
            "Resolve-LoomcycleInterrupt", "Register-LoomcycleHook", "Get-LoomcycleHook", "Unregister-LoomcycleHook", "Connect-Loomcycle",
            "Get-LoomcycleConnection", "Disconnect-Loomcycle",
        };

        private static readonly string[] Areas = { "Connection", "Runs", "Agents", "Runtime", "Snapshots", "Memory", "Interrupts", "Hooks" };

        private static string PesterFolder => Path.Combine(PowerShellSession.RepositoryRoot, "tests", "Pester");

        private static IEnumerable<string> Scripts => Directory.GetFiles(PesterFolder, "*.ps1").OrderBy(f => f, StringComparer.Ordinal);

        [Fact]
        public void ThereIsOnePesterFilePerAreaAndTheyParse()
        {
            foreach (string area in Areas)
            {
                Assert.True(File.Exists(Path.Combine(PesterFolder, area + ".Tests.ps1")), $"tests/Pester/{area}.Tests.ps1 is missing");
            }

            var errors = new List<string>();
            foreach (string file in Scripts)
            {
                Parser.ParseFile(file, out _, out ParseError[] parseErrors);
                errors.AddRange(parseErrors.Select(e => $"{Path.GetFileName(file)}:{e.Extent.StartLineNumber}: {e.Message}"));
            }

            Assert.True(errors.Count == 0, "Parse errors:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }

        [Fact]
        public void EveryCmdletOfTheDesignAndOfTheModuleIsUsedByAPesterTest()
        {
            var used = Usages().Select(u => u.Command).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var unused = DesignCmdlets.Concat(ModuleCommands.Exported).Distinct(StringComparer.OrdinalIgnoreCase).Where(c => !used.Contains(c)).OrderBy(c => c).ToList();
            Assert.True(unused.Count == 0, "No Pester test calls: " + string.Join(", ", unused));
        }

        [Fact]
        public void EveryLoomcycleCommandAndParameterThePesterTestsUseExists() => CheckCommandsAndParameters(Scripts);

        /// <summary>The scripts a user runs from the README (build, demo, the scheduled-job recipe) are held to the same check.</summary>
        [Fact]
        public void TheRepositoryScriptsParseAndUseOnlyRealCommandsAndParameters()
        {
            string root = PowerShellSession.RepositoryRoot;
            var files = new[] { Path.Combine(root, "build.ps1") }
                .Concat(Directory.GetFiles(Path.Combine(root, "tools"), "*.ps1"))
                .Concat(Directory.GetFiles(Path.Combine(root, "examples"), "*.ps1"))
                .ToList();
            Assert.Contains(files, f => f.EndsWith("demo.ps1", StringComparison.Ordinal));
            foreach (string file in files)
            {
                Parser.ParseFile(file, out _, out ParseError[] errors);
                Assert.True(errors.Length == 0, file + ": " + string.Join("; ", errors.Select(e => e.Message)));
            }

            CheckCommandsAndParameters(files);
        }

        private static void CheckCommandsAndParameters(IEnumerable<string> files)
        {
            Dictionary<string, CommandInfo> commands;
            using (var session = new PowerShellSession())
            {
                commands = session.Run("Get-Command -Module Loomcycle").ThrowIfErrors().Output
                    .Select(o => (CommandInfo)o.BaseObject)
                    .ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
            }

            var missingCommands = new SortedDictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
            var badParameters = new SortedDictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
            foreach (Usage usage in Usages(files))
            {
                if (!commands.TryGetValue(usage.Command, out CommandInfo? command))
                {
                    Add(missingCommands, usage.Command, usage.Where);
                    continue;
                }

                foreach (CommandParameterAst parameter in usage.Ast.CommandElements.OfType<CommandParameterAst>())
                {
                    string? problem = Bind(command, parameter.ParameterName);
                    if (problem is not null)
                    {
                        Add(badParameters, $"{command.Name} -{parameter.ParameterName} ({problem})", usage.Where);
                    }
                }
            }

            var message = new List<string>();
            if (missingCommands.Count > 0)
            {
                message.Add("Not exported by the module (" + missingCommands.Count + "): " + string.Join(", ", missingCommands.Keys));
                message.AddRange(missingCommands.Select(m => "  " + m.Key + " used at " + string.Join(", ", m.Value.Distinct())));
            }

            if (badParameters.Count > 0)
            {
                message.Add("Parameters that do not bind (" + badParameters.Count + "):");
                message.AddRange(badParameters.Select(m => "  " + m.Key + " at " + string.Join(", ", m.Value.Distinct())));
            }

            Assert.True(message.Count == 0, string.Join(Environment.NewLine, message));
        }

        [Fact]
        public void TheCheckRejectsWhatPowerShellWouldReject()
        {
            using var session = new PowerShellSession();
            var run = (CommandInfo)session.Run("Get-Command Invoke-LoomcycleRun").ThrowIfErrors().Output.Single().BaseObject;
            Assert.Null(Bind(run, "Agent"));
            Assert.Null(Bind(run, "agent"));
            Assert.Null(Bind(run, "WebSearch")); // unique prefix of -WebSearchFilter
            Assert.Null(Bind(run, "ea")); // alias of -ErrorAction
            Assert.Null(Bind(run, "AsRes"));
            Assert.Equal("no such parameter", Bind(run, "NoSuchParameter"));
            Assert.StartsWith("ambiguous", Bind(run, "S")); // -SessionId, -SystemPrompt, -Segment …
            Assert.StartsWith("ambiguous", Bind(run, "User")); // -UserId, -UserTier, -UserBearer
        }

        /// <summary>Null when <paramref name="name"/> binds to exactly one parameter of <paramref name="command"/>, else why not.</summary>
        internal static string? Bind(CommandInfo command, string name)
        {
            var parameters = command.Parameters.Values.ToList();
            if (parameters.Any(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase) || p.Aliases.Any(a => a.Equals(name, StringComparison.OrdinalIgnoreCase))))
            {
                return null;
            }

            var matches = parameters
                .Where(p => p.Name.StartsWith(name, StringComparison.OrdinalIgnoreCase) || p.Aliases.Any(a => a.StartsWith(name, StringComparison.OrdinalIgnoreCase)))
                .Select(p => p.Name)
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .ToList();
            return matches.Count switch
            {
                1 => null,
                0 => "no such parameter",
                _ => "ambiguous: " + string.Join(", ", matches.OrderBy(m => m)),
            };
        }

        private sealed class Usage
        {
            public Usage(string command, string where, CommandAst ast)
            {
                Command = command;
                Where = where;
                Ast = ast;
            }

            public string Command { get; }

            public string Where { get; }

            public CommandAst Ast { get; }
        }

        private static IEnumerable<Usage> Usages() => Usages(Scripts);

        private static IEnumerable<Usage> Usages(IEnumerable<string> files)
        {
            var pattern = new WildcardPattern("*-Loomcycle*", WildcardOptions.IgnoreCase);
            foreach (string file in files)
            {
                ScriptBlockAst ast = Parser.ParseFile(file, out _, out _);
                foreach (CommandAst command in ast.FindAll(a => a is CommandAst, searchNestedScriptBlocks: true).Cast<CommandAst>())
                {
                    string? name = command.GetCommandName();
                    if (name is not null && pattern.IsMatch(name))
                    {
                        yield return new Usage(name, Path.GetFileName(file) + ":" + command.Extent.StartLineNumber, command);
                    }
                }
            }
        }

        private static void Add(SortedDictionary<string, List<string>> map, string key, string where)
        {
            if (!map.TryGetValue(key, out List<string>? list))
            {
                map[key] = list = new List<string>();
            }

            list.Add(where);
        }
    }
}
