using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Loomcycle.PowerShell
{
    /// <summary>Completes a hook's fail mode (open, closed): what ValidateSet gave, for a parameter that must accept a piped null.</summary>
    public sealed class FailModeCompleter : IArgumentCompleter
    {
        internal static readonly string[] Values = { "open", "closed" };

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Values.Where(v => v.StartsWith(wordToComplete ?? string.Empty, StringComparison.OrdinalIgnoreCase))
                .Select(v => new CompletionResult(v, v, CompletionResultType.ParameterValue, v));
    }
}
