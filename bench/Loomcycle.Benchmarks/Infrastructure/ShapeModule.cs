using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Reflection.Emit;
using System.Text.RegularExpressions;

namespace Loomcycle.Benchmarks.Infrastructure
{
    /// <summary>
    /// Scenario 6's floor: a module of Loomcycle's shape with none of its code — one empty cmdlet for every name
    /// Loomcycle's manifest exports, and Loomcycle's own format and types files — emitted into a temporary folder for
    /// one run. Imported beside the empty module, it tells what PowerShell charges for 100 cmdlets, 74 views and the
    /// type extensions apart from what Loomcycle's own code adds.
    /// </summary>
    internal sealed class ShapeModule : IDisposable
    {
        private readonly string _folder;

        private ShapeModule(string folder, string manifest, int cmdlets)
        {
            _folder = folder;
            Manifest = manifest;
            CmdletCount = cmdlets;
        }

        public string Manifest { get; }

        public int CmdletCount { get; }

        /// <summary>A cmdlet of the shape module that does nothing (the first command timed after its import).</summary>
        public const string FirstCommand = "Get-LoomcycleConnection";

        public static ShapeModule Build()
        {
            string loomcycle = Path.GetDirectoryName(HostedRunspace.LoomcycleManifest)!;
            string folder = Path.Combine(Path.GetTempPath(), "loomcycle-bench-shape-" + Environment.ProcessId);
            Directory.CreateDirectory(folder);
            string[] names = ExportedCmdlets(File.ReadAllText(HostedRunspace.LoomcycleManifest));
            EmitCmdlets(Path.Combine(folder, "ShapeModule.dll"), names);
            File.Copy(Path.Combine(loomcycle, "Loomcycle.format.ps1xml"), Path.Combine(folder, "Shape.format.ps1xml"), overwrite: true);
            File.Copy(Path.Combine(loomcycle, "Loomcycle.types.ps1xml"), Path.Combine(folder, "Shape.types.ps1xml"), overwrite: true);
            string manifest = Path.Combine(folder, "ShapeModule.psd1");
            File.WriteAllText(manifest,
                "@{\n" +
                "    ModuleVersion     = '1.0.0'\n" +
                "    RootModule        = 'ShapeModule.dll'\n" +
                "    GUID              = '0f6b7f5e-8d7c-4a1e-9e55-3c1d2b4a6f70'\n" +
                "    FormatsToProcess  = @('Shape.format.ps1xml')\n" +
                "    TypesToProcess    = @('Shape.types.ps1xml')\n" +
                "    CmdletsToExport   = @(" + string.Join(", ", names.Select(n => "'" + n + "'")) + ")\n" +
                "    FunctionsToExport = @()\n" +
                "    VariablesToExport = @()\n" +
                "    AliasesToExport   = @()\n" +
                "}\n");
            return new ShapeModule(folder, manifest, names.Length);
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A probe process still holding the assembly: the folder is in the temp directory, left for the OS.
            }
        }

        private static string[] ExportedCmdlets(string manifestText)
        {
            // From CmdletsToExport to the next key (the list's comments hold parentheses).
            Match list = Regex.Match(manifestText, @"CmdletsToExport\s*=\s*@\((?<names>.*?)\n\s*\)\s*\n", RegexOptions.Singleline);
            string[] names = Regex.Matches(list.Groups["names"].Value, @"'(?<name>[A-Za-z]+-[A-Za-z]+)'").Select(m => m.Groups["name"].Value).ToArray();
            return names.Length > 0 ? names : throw new InvalidOperationException("No CmdletsToExport found in Loomcycle's manifest.");
        }

        /// <summary>One public sealed <see cref="PSCmdlet"/> per name, with its [Cmdlet] attribute and nothing else.</summary>
        private static void EmitCmdlets(string path, string[] names)
        {
            var assembly = new PersistedAssemblyBuilder(new AssemblyName("ShapeModule"), typeof(object).Assembly);
            ModuleBuilder module = assembly.DefineDynamicModule("ShapeModule");
            ConstructorInfo cmdletAttribute = typeof(CmdletAttribute).GetConstructor(new[] { typeof(string), typeof(string) })!;
            foreach (string name in names)
            {
                string[] parts = name.Split('-');
                TypeBuilder type = module.DefineType("Shape." + parts[0] + parts[1] + "Command", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class, typeof(PSCmdlet));
                type.SetCustomAttribute(new CustomAttributeBuilder(cmdletAttribute, new object[] { parts[0], parts[1] }));
                type.DefineDefaultConstructor(MethodAttributes.Public);
                type.CreateType();
            }

            assembly.Save(path);
        }
    }
}
