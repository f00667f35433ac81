using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    public sealed partial class LoomcycleConnection
    {
        /// <summary>The statuses the server filters on (the reference client's list is wrong for two of them).</summary>
        public static readonly string[] InterruptStatuses = { "pending", "resolved", "timed_out", "cancelled", "declined", "all" };

        /// <summary>GET /v1/users/{id}/interrupts (server default: pending).</summary>
        /// <exception cref="InvalidArgumentException">An id is empty, a dot segment or (agent, run, user, interrupt ids) outside the server's pattern; nothing is sent. Also the server's 400.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public Task<Interrupt[]> ListUserInterruptsAsync(string userId, string? status = null, CancellationToken cancellationToken = default) =>
            ListInterruptsAsync(new RoutePath("v1/users").Identifier(userId, "UserId").Literal("interrupts"), status, cancellationToken);

        /// <summary>GET /v1/runs/{id}/interrupts (no status: every status). An unknown run gives an empty list, not an error.</summary>
        /// <exception cref="InvalidArgumentException">An id is empty, a dot segment or (agent, run, user, interrupt ids) outside the server's pattern; nothing is sent. Also the server's 400.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public Task<Interrupt[]> ListRunInterruptsAsync(string runId, string? status = null, CancellationToken cancellationToken = default) =>
            ListInterruptsAsync(new RoutePath("v1/runs").Identifier(runId, "RunId").Literal("interrupts"), status, cancellationToken);

        /// <summary>POST /v1/runs/{run}/interrupts/{id}/resolve: answers a pending question.</summary>
        /// <exception cref="InvalidArgumentException">An id is empty, a dot segment or (agent, run, user, interrupt ids) outside the server's pattern; or the answer is empty; nothing is sent. Also the server's 400 and 422.</exception>
        /// <exception cref="NotFoundException">The run has no interrupt with this id.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<InterruptResolution> ResolveInterruptAsync(string runId, string interruptId, string answer, string? resolvedBy = null, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/runs").Identifier(runId, "RunId").Literal("interrupts").Identifier(interruptId, "InterruptId").Literal("resolve");
            if (string.IsNullOrEmpty(answer))
            {
                throw new InvalidArgumentException("Answer is required: the server refuses an empty answer (422); to refuse the question, decline it.") { Target = interruptId };
            }

            byte[] body = RequestBodies.ResolveInterrupt(answer, resolvedBy, null);
            InterruptResolution resolution = (await SendJsonAsync(
                HttpMethod.Post, route, ApiArea.Interrupt, () => JsonContent(body), Repeatability.NotIdempotent,
                LoomcycleJsonContext.Default.InterruptResolution, cancellationToken).ConfigureAwait(false))!;
            resolution.RunId = runId;
            if (string.IsNullOrEmpty(resolution.InterruptId))
            {
                resolution.InterruptId = interruptId;
            }

            return resolution;
        }

        private async Task<Interrupt[]> ListInterruptsAsync(RoutePath route, string? status, CancellationToken cancellationToken)
        {
            if (status is not null && Array.IndexOf(InterruptStatuses, status) < 0)
            {
                throw new InvalidArgumentException($"Status must be one of {string.Join(", ", InterruptStatuses)}, not '{status}' (the server would silently return nothing).");
            }

            route.Query("status", status);
            InterruptListEnvelope envelope = (await SendJsonAsync(HttpMethod.Get, route, ApiArea.Interrupt, null, Repeatability.Idempotent, LoomcycleJsonContext.Default.InterruptListEnvelope, cancellationToken).ConfigureAwait(false))!;
            return envelope.Interrupts ?? Array.Empty<Interrupt>();
        }
    }
}
