using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Loomcycle.PowerShell
{
    /// <summary>Completes user subjects from the server (GET /v1/_users); the tooltip shows the display name and run counts.</summary>
    public sealed class SubjectCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            ServerCompletion.Complete(fakeBoundParameters, wordToComplete, "subjects", async (connection, token) =>
                (await connection.ListUsersAsync(token).ConfigureAwait(false)).Select(u => new Candidate(
                    u.UserId,
                    (string.IsNullOrEmpty(u.DisplayName) ? u.UserId : u.DisplayName) + $" · {u.RunningCount} running, {u.TotalCount} runs")));
    }

    /// <summary>Completes the token definition ids of the bound -Subject (GET /v1/_users/{subject}/tokens), working tokens first.</summary>
    public sealed class UserTokenIdCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string? subject = ServerCompletion.BoundString(fakeBoundParameters, "Subject");
            if (subject is null)
            {
                return System.Array.Empty<CompletionResult>();
            }

            return ServerCompletion.Complete(fakeBoundParameters, wordToComplete, "usertokens:" + subject, async (connection, token) =>
                (await connection.ListUserTokensAsync(subject, token).ConfigureAwait(false))
                    .OrderByDescending(t => t.Active)
                    .Select(t => new Candidate(t.DefId, $"{t.Name} · {(t.Active ? "active" : "retired")} · {string.Join(" ", t.Scopes)}")));
        }
    }

    /// <summary>Completes tenant names (GET /v1/_tenants, admin tokens; other tokens are offered their own tenant from GET /v1/_me).</summary>
    public sealed class TenantCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            ServerCompletion.Complete(fakeBoundParameters, wordToComplete, "tenants", async (connection, token) =>
            {
                try
                {
                    return (await connection.ListTenantsAsync(null, token).ConfigureAwait(false))
                        .Select(t => new Candidate(t.Tenant, $"{t.Users} users · {t.Runs} runs"));
                }
                catch (AuthException)
                {
                    Identity me = await connection.GetIdentityAsync(token).ConfigureAwait(false);
                    return new[] { new Candidate(me.TenantId, "this token's tenant") };
                }
            });
    }

    /// <summary>Completes operator token names (GET /v1/_operatortokendef/names).</summary>
    public sealed class OperatorTokenNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            ServerCompletion.Complete(fakeBoundParameters, wordToComplete, "operatortokennames", async (connection, token) =>
                (await connection.ListOperatorTokenNamesAsync(null, token).ConfigureAwait(false))
                    .Select(n => new Candidate(n.Name, $"{n.TenantId} / {n.Subject} · {n.TokenCount} tokens{(n.HasCurrent ? string.Empty : " · none current")}")));
    }
}
