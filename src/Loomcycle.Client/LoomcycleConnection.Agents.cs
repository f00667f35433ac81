using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    public sealed partial class LoomcycleConnection
    {
        /// <summary>GET /v1/agents/{id}: one run's status and usage.</summary>
        public async Task<Agent> GetAgentAsync(string agentId, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/agents").Identifier(agentId, "AgentId");
            return (await SendJsonAsync(HttpMethod.Get, route, ApiArea.Agent, null, Repeatability.Idempotent, LoomcycleJsonContext.Default.Agent, cancellationToken).ConfigureAwait(false))!;
        }

        /// <summary>POST /v1/agents/{id}/cancel: cancels a live run and its children. Idempotent.</summary>
        public async Task<CancelAgentResult> CancelAgentAsync(string agentId, string? reason = null, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/agents").Identifier(agentId, "AgentId").Literal("cancel");
            if (reason is not null && System.Text.Encoding.UTF8.GetByteCount(reason) > 900)
            {
                throw new InvalidArgumentException("Reason is too long: the server reads at most 1 KiB of the cancel body.") { Target = agentId };
            }

            byte[]? body = reason is null ? null : RequestBodies.Object(w => w.WriteString("reason", reason));
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
        public async Task<Agent[]> ListUserAgentsAsync(string userId, string? status = null, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/users").Identifier(userId, "UserId").Literal("agents").Query("status", status);
            AgentListEnvelope envelope = (await SendJsonAsync(HttpMethod.Get, route, ApiArea.Agent, null, Repeatability.Idempotent, LoomcycleJsonContext.Default.AgentListEnvelope, cancellationToken).ConfigureAwait(false))!;
            return envelope.Agents ?? Array.Empty<Agent>();
        }

        /// <summary>GET /v1/sessions/{id}/transcript: a session's persisted events.</summary>
        public async Task<Transcript> GetTranscriptAsync(string sessionId, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/sessions").Segment(sessionId, "SessionId").Literal("transcript");
            return (await SendJsonAsync(HttpMethod.Get, route, ApiArea.Session, null, Repeatability.Idempotent, LoomcycleJsonContext.Default.Transcript, cancellationToken).ConfigureAwait(false))!;
        }

        /// <summary>GET /healthz: liveness, no token needed. Older servers answer only {"ok":true}.</summary>
        public async Task<Health> GetHealthAsync(CancellationToken cancellationToken = default)
        {
            Health health = (await SendJsonAsync(HttpMethod.Get, new RoutePath("healthz"), ApiArea.Health, null, Repeatability.Idempotent, LoomcycleJsonContext.Default.Health, cancellationToken).ConfigureAwait(false))!;
            health.BaseUri = BaseUri;
            return health;
        }

        /// <summary>GET /v1/_users: users with their running and total run counts.</summary>
        public async Task<User[]> ListUsersAsync(CancellationToken cancellationToken = default)
        {
            UserListEnvelope envelope = (await SendJsonAsync(HttpMethod.Get, new RoutePath("v1/_users"), ApiArea.Users, null, Repeatability.Idempotent, LoomcycleJsonContext.Default.UserListEnvelope, cancellationToken).ConfigureAwait(false))!;
            return envelope.Users ?? Array.Empty<User>();
        }
    }
}
