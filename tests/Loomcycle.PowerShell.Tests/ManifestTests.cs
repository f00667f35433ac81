using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation.Language;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>Loomcycle.psd1 agrees with what is built: the cmdlets, the version and the files it names.</summary>
    public sealed class ManifestTests
    {
        private static string ModuleFolder => Path.GetDirectoryName(PowerShellSession.ModuleManifest)!;

        /// <summary>
        /// The manifest's hashtable, read the way PowerShell reads data files (no code runs). A value chosen by an if on
        /// $PSEdition (RootModule) reads as every string it can be.
        /// </summary>
        public static Hashtable ReadManifest(string path)
        {
            ScriptBlockAst ast = Parser.ParseFile(path, out _, out ParseError[] errors);
            Assert.Empty(errors);
            var table = (HashtableAst)ast.Find(a => a is HashtableAst, searchNestedScriptBlocks: false)!;
            var result = new Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (var (key, value) in table.KeyValuePairs)
            {
                string name = ((StringConstantExpressionAst)key).Value;
                result[name] = value is PipelineAst pipeline && pipeline.GetPureExpression() is ExpressionAst expression
                    ? expression.SafeGetValue()
                    : value.FindAll(a => a is StringConstantExpressionAst s && s.StringConstantType != StringConstantType.BareWord && s.Parent is not BinaryExpressionAst, searchNestedScriptBlocks: true)
                        .Select(a => ((StringConstantExpressionAst)a).Value).ToArray();
            }

            return result;
        }

        private static string[] Strings(object? value) =>
            value switch
            {
                null => Array.Empty<string>(),
                string s => new[] { s },
                IEnumerable e => e.Cast<object>().Select(o => o.ToString()!).ToArray(),
                _ => new[] { value.ToString()! },
            };

        [Fact]
        public void TestModuleManifestPassesOnTheBuiltModule()
        {
            using var session = new PowerShellSession(importModule: false);
            var result = session.Run("Test-ModuleManifest -Path $path -ErrorAction Continue", new Dictionary<string, object?> { ["path"] = PowerShellSession.ModuleManifest });
            Assert.True(result.Terminating is null && result.Errors.Count == 0, "Test-ModuleManifest: " + result.Terminating?.Message + string.Join("; ", result.Errors));
            var info = (System.Management.Automation.PSModuleInfo)Assert.Single(result.Output).BaseObject;
            Assert.Equal("Loomcycle", info.Name);
        }

        [Fact]
        public void TheBuiltManifestIsTheRepositoryManifest()
        {
            Assert.Equal(File.ReadAllText(Path.Combine(PowerShellSession.RepositoryRoot, "Loomcycle.psd1")), File.ReadAllText(PowerShellSession.ModuleManifest));
        }

        [Fact]
        public void CmdletsToExportIsExactlyTheCmdletClassesOfTheCoreAssembly()
        {
            var listed = Strings(ReadManifest(PowerShellSession.ModuleManifest)["CmdletsToExport"]).ToHashSet(StringComparer.OrdinalIgnoreCase);
            using var session = new PowerShellSession();
            var classes = session.Run(@"
[Loomcycle.PowerShell.LoomcycleCmdlet].Assembly.GetTypes().Where({ -not $_.IsAbstract }).ForEach({
    $attribute = [System.Attribute]::GetCustomAttribute($_, [System.Management.Automation.CmdletAttribute])
    if ($attribute) { $attribute.VerbName + '-' + $attribute.NounName }
})").ThrowIfErrors().Output.Select(o => o.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
            Assert.NotEmpty(classes);

            var notExported = classes.Except(listed).OrderBy(n => n).ToList();
            var noClass = listed.Except(classes).OrderBy(n => n).ToList();
            Assert.True(notExported.Count == 0 && noClass.Count == 0,
                (notExported.Count == 0 ? string.Empty : "Cmdlet classes missing from CmdletsToExport in Loomcycle.psd1: " + string.Join(", ", notExported) + ". ") +
                (noClass.Count == 0 ? string.Empty : "CmdletsToExport names cmdlets with no class in Loomcycle.PowerShell.dll (Core): " + string.Join(", ", noClass) + "."));

            var exported = session.Run("(Get-Module Loomcycle).ExportedCmdlets.Keys").ThrowIfErrors().Output.Select(o => o.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
            Assert.Equal(classes.OrderBy(n => n), exported.OrderBy(n => n));
        }

        [Fact]
        public void ModuleVersionIsTheVersionOfEveryAssembly()
        {
            var version = new Version((string)ReadManifest(Path.Combine(PowerShellSession.RepositoryRoot, "Loomcycle.psd1"))["ModuleVersion"]!);
            using var session = new PowerShellSession();
            var versions = session.Run(
                "[Loomcycle.PowerShell.LoomcycleCmdlet].Assembly.GetName().Version; [Loomcycle.RunEvent].Assembly.GetName().Version; (Get-Module Loomcycle).Version")
                .ThrowIfErrors().Output.Select(o => (Version)o.BaseObject).ToList();
            Assert.Equal(3, versions.Count);
            Assert.All(versions, v => Assert.Equal(version, new Version(v.Major, v.Minor, Math.Max(v.Build, 0))));

            foreach (string edition in new[] { "Core", "Desktop" })
            {
                foreach (string dll in new[] { "Loomcycle.PowerShell.dll", "Loomcycle.Client.dll" })
                {
                    Version? built = System.Reflection.AssemblyName.GetAssemblyName(Path.Combine(ModuleFolder, "bin", edition, dll)).Version;
                    Assert.Equal(version, new Version(built!.Major, built.Minor, built.Build));
                }
            }
        }

        [Fact]
        public void EveryFileTheManifestNamesIsInTheModuleFolder()
        {
            Hashtable manifest = ReadManifest(PowerShellSession.ModuleManifest);
            var named = Strings(manifest["FormatsToProcess"]).Concat(Strings(manifest["TypesToProcess"])).Concat(Strings(manifest["RootModule"])).ToList();
            Assert.Contains("Loomcycle.format.ps1xml", named);
            Assert.Contains("Loomcycle.types.ps1xml", named);
            Assert.All(named, file => Assert.True(File.Exists(Path.Combine(ModuleFolder, file)), file + " is named by the manifest but not in " + ModuleFolder));
            Assert.Equal(new[] { "Core", "Desktop" }, Strings(manifest["CompatiblePSEditions"]).OrderBy(e => e));
        }
    }
}
