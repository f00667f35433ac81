using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    public sealed partial class LoomcycleConnection
    {
        /// <summary>
        /// POST /v1/hooks. Registering the same owner and name again replaces the hook in place with a new
        /// id, so it is safe to repeat. Returns the hook as registered, with its id.
        /// </summary>
        /// <exception cref="InvalidArgumentException">The request is incomplete or invalid (checked before sending), or the server refused it (400).</exception>
        /// <exception cref="UnavailableException">The server has no hook registry configured.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<Hook> RegisterHookAsync(RegisterHookRequest request, CancellationToken cancellationToken = default)
        {
            if (request is null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            byte[] body = RequestBodies.RegisterHook(request);
            HookRegisteredEnvelope registered = (await SendJsonAsync(
                HttpMethod.Post, new RoutePath("v1/hooks"), ApiArea.Hook, () => JsonContent(body), Repeatability.Idempotent,
                LoomcycleJsonContext.Default.HookRegisteredEnvelope, cancellationToken).ConfigureAwait(false))!;
            return new Hook
            {
                Id = registered.Id ?? string.Empty,
                Owner = request.Owner,
                Name = request.Name,
                Phase = request.Phase,
                Agents = request.Agents,
                Tools = request.Tools,
                CallbackUrl = request.CallbackUrl,
                FailMode = request.FailMode ?? "open",
                TimeoutMs = request.TimeoutMs ?? 0,
                RegisteredAt = DateTimeOffset.Now,
            };
        }

        /// <summary>GET /v1/hooks: every hook in registration order.</summary>
        /// <exception cref="UnavailableException">The server has no hook registry configured.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<Hook[]> ListHooksAsync(CancellationToken cancellationToken = default)
        {
            HookListEnvelope envelope = (await SendJsonAsync(HttpMethod.Get, new RoutePath("v1/hooks"), ApiArea.Hook, null, Repeatability.Idempotent, LoomcycleJsonContext.Default.HookListEnvelope, cancellationToken).ConfigureAwait(false))!;
            return envelope.Hooks ?? Array.Empty<Hook>();
        }

        /// <summary>DELETE /v1/hooks/{id}. Unknown ids raise <see cref="HookNotFoundException"/>.</summary>
        /// <exception cref="InvalidArgumentException">An id is empty, a dot segment or (agent, run, user, interrupt ids) outside the server's pattern; nothing is sent. Also the server's 400.</exception>
        /// <exception cref="HookNotFoundException">The server has no hook with this id.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task DeleteHookAsync(string hookId, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/hooks").Segment(hookId, "Id");
            // Not repeated after a lost answer: a second delete of a deleted hook is a 404.
            await SendJsonAsync<Hook>(HttpMethod.Delete, route, ApiArea.Hook, null, Repeatability.NotIdempotent, null, cancellationToken).ConfigureAwait(false);
        }
    }
}
