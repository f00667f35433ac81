using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// Completes the scope ids that hold memory in the scope given by -Scope (GET /v1/_memory/scopes/{scope});
    /// nothing until -Scope is on the command line. The tooltip shows the key count and size.
    /// </summary>
    public sealed class MemoryScopeIdCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string? scope = ServerCompletion.BoundString(fakeBoundParameters, "Scope");
            if (scope is null)
            {
                return Enumerable.Empty<CompletionResult>();
            }

            return ServerCompletion.Complete(fakeBoundParameters, wordToComplete, "memory\n" + scope, async (connection, token) =>
                (await connection.ListMemoryScopeIdsAsync(scope, token).ConfigureAwait(false)).Select(s => new Candidate(
                    s.ScopeId,
                    s.Scope + "/" + s.ScopeId + " · " + s.KeyCount + (s.KeyCount == 1 ? " key · " : " keys · ") + LoomcycleFormat.Size(s.Bytes))));
        }
    }
}
