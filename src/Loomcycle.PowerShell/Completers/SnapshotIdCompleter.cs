using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Loomcycle.PowerShell
{
    /// <summary>Completes snapshot ids from the server (GET /v1/_snapshots), newest first; the tooltip shows the label, age and size.</summary>
    public sealed class SnapshotIdCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            ServerCompletion.Complete(fakeBoundParameters, wordToComplete, "snapshots", async (connection, token) =>
                (await connection.ListSnapshotsAsync(null, null, token).ConfigureAwait(false)).Select(s => new Candidate(
                    s.Id,
                    (string.IsNullOrEmpty(s.Label) ? "(no label)" : s.Label) + " · " +
                    (s.CreatedAt is null ? string.Empty : LoomcycleFormat.Age(s.CreatedAt) + " ago · ") + LoomcycleFormat.Size(s.ByteSize))));
    }
}
