using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>The cmdlets the built module exports, read once from a runspace that imported it.</summary>
    public static class ModuleCommands
    {
        private static readonly Lazy<HashSet<string>> Names = new Lazy<HashSet<string>>(() =>
        {
            using var session = new PowerShellSession();
            return session.Run("(Get-Module Loomcycle).ExportedCmdlets.Keys").ThrowIfErrors()
                .Output.Select(o => o.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        });

        public static IReadOnlyCollection<string> Exported => Names.Value;

        public static bool Has(string name) => Names.Value.Contains(name);
    }

    /// <summary>
    /// A test of a design.md cmdlet that is written on another branch: it runs as soon as the built module
    /// exports every named cmdlet, and is skipped (saying which is missing) until then. No edit is needed to un-skip.
    /// </summary>
    public sealed class CmdletFactAttribute : FactAttribute
    {
        public CmdletFactAttribute(params string[] cmdlets)
        {
            string[] missing = cmdlets.Where(c => !ModuleCommands.Has(c)).ToArray();
            if (missing.Length > 0)
            {
                Skip = "Not in this build yet (runs once it is): " + string.Join(", ", missing);
            }
        }
    }
}
