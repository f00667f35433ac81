using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    public sealed partial class LoomcycleConnection
    {
        // The server caps the wind-down at 5 minutes; the call blocks until it is done.
        private static readonly TimeSpan ServerPauseCap = TimeSpan.FromMinutes(5);
        private static readonly TimeSpan PauseMargin = TimeSpan.FromSeconds(30);

        /// <summary>POST /v1/_pause: quiesces the runtime and waits for the wind-down (up to the server's 5-minute cap).</summary>
        /// <exception cref="InvalidArgumentException">The timeout is out of range; nothing is sent.</exception>
        /// <exception cref="AlreadyPausingException">Another pause is in progress.</exception>
        /// <exception cref="PauseNotConfiguredException">The server has no pause manager (it needs a persistent store).</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<PauseResult> PauseRuntimeAsync(int? timeoutMs = null, CancellationToken cancellationToken = default)
        {
            if (timeoutMs is int ms && ms < 0)
            {
                throw new InvalidArgumentException($"TimeoutMs must not be negative, not {ms}.");
            }

            byte[]? body = timeoutMs is int value ? RequestBodies.Object(w => w.WriteNumber("timeout_ms", value)) : null;
            TimeSpan wait = (timeoutMs is int t && t > 0 && TimeSpan.FromMilliseconds(t) < ServerPauseCap ? TimeSpan.FromMilliseconds(t) : ServerPauseCap) + PauseMargin;
            return (await SendJsonAsync(
                HttpMethod.Post, new RoutePath("v1/_pause"), ApiArea.Runtime, body is null ? null : () => JsonContent(body), Repeatability.NotIdempotent,
                LoomcycleJsonContext.Default.PauseResult, cancellationToken, timeout: wait > _options.RequestTimeout ? wait : _options.RequestTimeout).ConfigureAwait(false))!;
        }

        /// <summary>POST /v1/_resume: releases the quiesce.</summary>
        /// <exception cref="NotPausedException">The runtime is not paused.</exception>
        /// <exception cref="PauseNotConfiguredException">The server has no pause manager (it needs a persistent store).</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<ResumeResult> ResumeRuntimeAsync(CancellationToken cancellationToken = default) =>
            (await SendJsonAsync(HttpMethod.Post, new RoutePath("v1/_resume"), ApiArea.Runtime, null, Repeatability.NotIdempotent, LoomcycleJsonContext.Default.ResumeResult, cancellationToken).ConfigureAwait(false))!;

        /// <summary>GET /v1/_state: running, pausing or paused.</summary>
        /// <exception cref="PauseNotConfiguredException">The server has no pause manager (it needs a persistent store).</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<RuntimeState> GetRuntimeStateAsync(CancellationToken cancellationToken = default) =>
            (await SendJsonAsync(HttpMethod.Get, new RoutePath("v1/_state"), ApiArea.Runtime, null, Repeatability.Idempotent, LoomcycleJsonContext.Default.RuntimeState, cancellationToken).ConfigureAwait(false))!;
    }
}
