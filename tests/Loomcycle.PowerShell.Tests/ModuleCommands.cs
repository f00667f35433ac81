using System;
using System.Collections.Generic;
using System.Linq;

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
}
