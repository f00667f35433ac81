using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Loomcycle.PowerShell
{
    /// <summary>Completes hook ids from the server (GET /v1/hooks); the tooltip shows owner/name, phase and callback.</summary>
    public sealed class HookIdCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            ServerCompletion.Complete(fakeBoundParameters, wordToComplete, "hooks", async (connection, token) =>
                (await connection.ListHooksAsync(token).ConfigureAwait(false)).Select(h => new Candidate(
                    h.Id,
                    h.Owner + "/" + h.Name + " (" + h.Phase + ") → " + h.CallbackUrl)));
    }
}
