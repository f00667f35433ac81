using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading.Tasks;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// Completes the agent ids of the user given by -UserId (GET /v1/users/{id}/agents?status=all, or the
    /// -Status on the command line), running ones first.
    /// Without -UserId (Stop-LoomcycleAgent -AgentId), offers the running agents of the most recently active
    /// users (GET /v1/_users). The tooltip shows the user, agent, status and age.
    /// </summary>
    public sealed class AgentIdCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string? userId = ServerCompletion.BoundString(fakeBoundParameters, "UserId");
            if (userId is not null)
            {
                // The server lists only running agents by default; a completion offers them all unless -Status narrows it.
                string status = ServerCompletion.BoundString(fakeBoundParameters, "Status") ?? "all";
                return ServerCompletion.Complete(fakeBoundParameters, wordToComplete, "agents\n" + userId + "\n" + status, async (connection, token) =>
                    Describe(await connection.ListUserAgentsAsync(userId, status, token).ConfigureAwait(false)));
            }

            return ServerCompletion.Complete(fakeBoundParameters, wordToComplete, "agents\n*running", async (connection, token) =>
            {
                User[] users = await connection.ListUsersAsync(token).ConfigureAwait(false);
                Agent[][] perUser = await Task.WhenAll(users
                    .Where(u => u.RunningCount > 0)
                    .OrderByDescending(u => u.LastStartedAt)
                    .Take(MaximumUsers)
                    .Select(u => connection.ListUserAgentsAsync(u.UserId, "running", token))).ConfigureAwait(false);
                return Describe(perUser.SelectMany(a => a));
            });
        }

        private const int MaximumUsers = 10;

        private static IEnumerable<Candidate> Describe(IEnumerable<Agent> agents) =>
            agents
                .OrderBy(a => a.Status == "running" ? 0 : 1)
                .Select(a => new Candidate(
                    a.AgentId,
                    (string.IsNullOrEmpty(a.UserId) ? string.Empty : a.UserId + " · ") + (a.AgentName ?? "agent") + " · " + a.Status +
                    (a.StartedAt is null ? string.Empty : " · started " + LoomcycleFormat.Age(a.StartedAt) + " ago")));
    }
}
