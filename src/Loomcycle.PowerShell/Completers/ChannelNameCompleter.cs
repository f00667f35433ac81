using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Loomcycle.PowerShell
{
    /// <summary>Completes channel names (GET /v1/_channels); the tooltip shows the scope, source and message count.</summary>
    public sealed class ChannelNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            ServerCompletion.Complete(fakeBoundParameters, wordToComplete, "channels", async (connection, token) =>
                (await connection.ListChannelsAsync(token).ConfigureAwait(false)).Select(c => new Candidate(
                    c.Name,
                    c.Name + " · " + (c.Scope ?? "global") + " " + (c.Semantic ?? "queue") + " · " + c.MessageCount + (c.MessageCount == 1 ? " message" : " messages") + (c.Source is null ? string.Empty : " · " + c.Source))));
    }
}
