using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Loomcycle.HelpGen;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>Get-Help in the hosted runspace finds complete help for every exported cmdlet, and the committed MAML is current.</summary>
    public sealed class HelpTests
    {
        private static readonly HashSet<string> CommonParameters = new HashSet<string>(
            System.Management.Automation.Cmdlet.CommonParameters.Concat(System.Management.Automation.Cmdlet.OptionalCommonParameters), StringComparer.OrdinalIgnoreCase);

        [Fact]
        public void EveryExportedCmdletHasASynopsisADescriptionDescribedParametersAndAnExample()
        {
            using var session = new PowerShellSession();
            var problems = new List<string>();
            var cmdlets = session.Run("Get-Command -Module Loomcycle -CommandType Cmdlet").ThrowIfErrors().Output.Select(o => (CmdletInfo)o.BaseObject).ToList();
            Assert.NotEmpty(cmdlets);
            foreach (CmdletInfo cmdlet in cmdlets)
            {
                var result = session.Run("Get-Help -Name $name -Full", new Dictionary<string, object?> { ["name"] = cmdlet.Name });
                PSObject? help = result.Output.SingleOrDefault();
                if (help is null || result.Errors.Count > 0)
                {
                    problems.Add($"{cmdlet.Name}: Get-Help failed: {string.Join("; ", result.Errors)}");
                    continue;
                }

                string synopsis = help.Str("Synopsis")?.Trim() ?? string.Empty;
                // Without a help file PowerShell makes the synopsis up from the syntax, which starts with the name.
                if (synopsis.Length == 0 || synopsis.StartsWith(cmdlet.Name, StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"{cmdlet.Name}: no synopsis (help file not found, or the class has no <summary>)");
                    continue;
                }

                if (Text(help.Prop("description")).Length == 0)
                {
                    problems.Add($"{cmdlet.Name}: no description (<remarks>)");
                }

                var described = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (PSObject parameter in Items(help.Prop("parameters"), "parameter"))
                {
                    described[parameter.Str("name")!] = Text(parameter.Prop("description"));
                }

                foreach (string parameter in cmdlet.Parameters.Keys.Where(p => !CommonParameters.Contains(p)))
                {
                    if (!described.TryGetValue(parameter, out string? text))
                    {
                        problems.Add($"{cmdlet.Name}: -{parameter} is missing from the help");
                    }
                    else if (text.Length == 0)
                    {
                        problems.Add($"{cmdlet.Name}: -{parameter} has no description");
                    }
                }

                var examples = Items(help.Prop("examples"), "example").ToList();
                if (examples.Count == 0)
                {
                    problems.Add($"{cmdlet.Name}: no example");
                }
                else if (examples.Any(e => string.IsNullOrWhiteSpace(e.Str("code")) || Text(e.Prop("remarks")).Length == 0))
                {
                    problems.Add($"{cmdlet.Name}: an example without code or explanation");
                }
            }

            Assert.True(problems.Count == 0, "Help problems (fix the XML doc comments, then run ./build.ps1 -Task Help):" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }

        [Fact]
        public void TheAboutTopicsAreFoundByGetHelp()
        {
            using var session = new PowerShellSession();
            foreach (string topic in new[] { "about_Loomcycle", "about_Loomcycle_Scheduled_Jobs" })
            {
                var result = session.Run("Get-Help -Name $topic | Out-String -Width 200", new Dictionary<string, object?> { ["topic"] = topic });
                string text = result.Output.Count > 0 ? string.Concat(result.Output.Select(o => o?.ToString())) : string.Empty;
                if (result.Errors.Count > 0 || text.Length == 0)
                {
                    // Out-String is not in the hosted runspace: take the help object's text directly.
                    result = session.Run("Get-Help -Name $topic", new Dictionary<string, object?> { ["topic"] = topic });
                    text = string.Concat(result.Output.Select(o => o?.ToString()));
                }

                Assert.Contains("TOPIC", text);
                Assert.Contains(topic, text);
            }

            string about = string.Concat(session.Run("Get-Help about_Loomcycle").Output.Select(o => o?.ToString()));
            foreach (string section in new[] { "CONNECTIONS", "LOOMCYCLE_BASE_URL", "OUTPUT MODES", "ERRORS", "RETRIES AND TIMEOUTS", "SECURITY" })
            {
                Assert.Contains(section, about);
            }
        }

        [Fact]
        public void TheCommittedHelpIsWhatTheDocCommentsGenerate()
        {
            string committed = MamlGenerator.DefaultOutput(PowerShellSession.RepositoryRoot);
            Assert.True(File.Exists(committed), "en-US/Loomcycle.PowerShell.dll-Help.xml is missing: run ./build.ps1 -Task Help");
            string generated = MamlGenerator.Generate(PowerShellSession.RepositoryRoot, out int count);
            Assert.True(count > 0);
            string current = File.ReadAllText(committed).Replace("\r\n", "\n");
            if (current != generated)
            {
                string temp = Path.Combine(Path.GetTempPath(), "Loomcycle.PowerShell.dll-Help." + Guid.NewGuid().ToString("N") + ".xml");
                File.WriteAllText(temp, generated);
                Assert.Fail($"help is stale: run ./build.ps1 -Task Help (the XML doc comments now generate {temp})");
            }
        }

        [Fact]
        public void TheHelpFileShipsBesideTheBinaryModuleAndTheAboutTopicsBesideTheManifest()
        {
            string module = Path.GetDirectoryName(PowerShellSession.ModuleManifest)!;
            foreach (string edition in new[] { "Core", "Desktop" })
            {
                Assert.True(File.Exists(Path.Combine(module, "bin", edition, "en-US", "Loomcycle.PowerShell.dll-Help.xml")), edition);
            }

            Assert.True(File.Exists(Path.Combine(module, "en-US", "about_Loomcycle.help.txt")));
            Assert.True(File.Exists(Path.Combine(module, "en-US", "about_Loomcycle_Scheduled_Jobs.help.txt")));
        }

        private static IEnumerable<PSObject> Items(object? container, string name)
        {
            object? value = container is PSObject ps ? ps.Properties[name]?.Value : null;
            return value switch
            {
                null => Enumerable.Empty<PSObject>(),
                object[] array => array.Select(PSObject.AsPSObject),
                System.Collections.IEnumerable e and not string => e.Cast<object>().Select(PSObject.AsPSObject),
                _ => new[] { PSObject.AsPSObject(value) },
            };
        }

        /// <summary>The text of a help description (an array of objects with a Text property).</summary>
        private static string Text(object? description)
        {
            if (description is null)
            {
                return string.Empty;
            }

            IEnumerable<object> parts = description is PSObject ps && ps.BaseObject is object[] arr ? arr
                : description is object[] a ? a
                : new[] { description };
            return string.Join(" ", parts.Select(p => PSObject.AsPSObject(p).Str("Text") ?? string.Empty)).Trim();
        }
    }
}
