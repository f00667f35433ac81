using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    public sealed partial class LoomcycleConnection
    {
        /// <summary>GET /v1/agents/{id}: one run's status and usage.</summary>
        /// <exception cref="InvalidArgumentException">An id is empty, a dot segment or (agent, run, user, interrupt ids) outside the server's pattern; nothing is sent. Also the server's 400.</exception>
        /// <exception cref="AgentNotFoundException">The server has no agent with this id.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<Agent> GetAgentAsync(string agentId, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/agents").Identifier(agentId, "AgentId");
            return (await SendJsonAsync(HttpMethod.Get, route, ApiArea.Agent, null, Repeatability.Idempotent, LoomcycleJsonContext.Default.Agent, cancellationToken).ConfigureAwait(false))!;
        }

        private const int MaximumCancelBodyBytes = 1024;

        /// <summary>POST /v1/agents/{id}/cancel: cancels a live run and its children. Idempotent.</summary>
        /// <exception cref="InvalidArgumentException">An id is empty, a dot segment or (agent, run, user, interrupt ids) outside the server's pattern; or the reason is longer than the server reads; nothing is sent. Also the server's 400.</exception>
        /// <exception cref="AgentNotFoundException">The server has no agent with this id.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<CancelAgentResult> CancelAgentAsync(string agentId, string? reason = null, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/agents").Identifier(agentId, "AgentId").Literal("cancel");
            // The body, not the text: the server drops a body over 1 KiB without a word (cancelled "by api", the reason lost).
            byte[]? body = reason is null ? null : RequestBodies.StringFieldWithin(MaximumCancelBodyBytes, "reason", reason);
            if (reason is not null && body is null)
            {
                throw new InvalidArgumentException("Reason is too long: the server reads at most 1 KiB of the cancel body, JSON escapes included.") { Target = agentId };
            }

            CancelAgentResult result = (await SendJsonAsync(
                HttpMethod.Post, route, ApiArea.Agent, body is null ? null : () => JsonContent(body), Repeatability.Idempotent,
                LoomcycleJsonContext.Default.CancelAgentResult, cancellationToken).ConfigureAwait(false))!;
            if (string.IsNullOrEmpty(result.AgentId))
            {
                result.AgentId = agentId;
            }

            return result;
        }

        /// <summary>GET /v1/users/{id}/agents: a user's recent runs (server default status: running; "all" for every status).</summary>
        /// <exception cref="InvalidArgumentException">An id is empty, a dot segment or (agent, run, user, interrupt ids) outside the server's pattern; nothing is sent. Also the server's 400.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<Agent[]> ListUserAgentsAsync(string userId, string? status = null, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/users").Identifier(userId, "UserId").Literal("agents").Query("status", status);
            AgentListEnvelope envelope = (await SendJsonAsync(HttpMethod.Get, route, ApiArea.Agent, null, Repeatability.Idempotent, LoomcycleJsonContext.Default.AgentListEnvelope, cancellationToken).ConfigureAwait(false))!;
            return envelope.Agents ?? Array.Empty<Agent>();
        }
    }
}
