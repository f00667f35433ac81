using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading.Tasks;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// Completes the run ids (r_…) of running agents of the most recently active users (GET /v1/_users, then
    /// GET /v1/users/{id}/agents?status=running): the runs Send-LoomcycleInput, Stop-LoomcycleTurn,
    /// Compress-/Receive-/Enter-LoomcycleRun address. The tooltip shows the user, agent and age.
    /// </summary>
    public sealed class RunIdCompleter : IArgumentCompleter
    {
        private const int MaximumUsers = 10;

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            ServerCompletion.Complete(fakeBoundParameters, wordToComplete, "runs\n*running", async (connection, token) =>
            {
                User[] users = await connection.ListUsersAsync(token).ConfigureAwait(false);
                Agent[][] perUser = await Task.WhenAll(users
                    .Where(u => u.RunningCount > 0)
                    .OrderByDescending(u => u.LastStartedAt)
                    .Take(MaximumUsers)
                    .Select(u => connection.ListUserAgentsAsync(u.UserId, "running", token))).ConfigureAwait(false);
                return perUser.SelectMany(a => a).Where(a => !string.IsNullOrEmpty(a.RunId)).Select(a => new Candidate(
                    a.RunId,
                    (string.IsNullOrEmpty(a.UserId) ? string.Empty : a.UserId + " · ") + (a.AgentName ?? "agent") + " · " + a.AgentId +
                    (a.StartedAt is null ? string.Empty : " · started " + LoomcycleFormat.Age(a.StartedAt) + " ago")));
            });
    }

    /// <summary>Completes resident sub-agent run ids (GET /v1/_resident); the tooltip shows the agent, state and idle time.</summary>
    public sealed class ResidentRunIdCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            ServerCompletion.Complete(fakeBoundParameters, wordToComplete, "resident", async (connection, token) =>
                (await connection.ListResidentAgentsAsync(null, token).ConfigureAwait(false)).Select(r => new Candidate(
                    r.RunId,
                    (r.AgentName ?? "agent") + " · " + r.State + (r.LastUsedAt is null ? string.Empty : " · used " + LoomcycleFormat.Age(r.LastUsedAt) + " ago"))));
    }
}
