using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    public sealed partial class LoomcycleConnection
    {
        private const string EventStreamAccept = "text/event-stream, application/json";

        /// <summary>
        /// Starts a run (POST /v1/runs) and returns once the server opened the event stream. HTTP errors
        /// (bad agent, 401, 429 …) are thrown here, before any event. A run is never sent twice once the
        /// server may have started it; only 429/503 refusals and failed connects are retried.
        /// </summary>
        /// <exception cref="InvalidArgumentException">The request is invalid (checked before sending), or the server refused it (400, 413).</exception>
        /// <exception cref="AgentIdInUseException">A live run already uses the requested agent id.</exception>
        /// <exception cref="BackpressureException">The server stayed at capacity (429) through every retry.</exception>
        /// <exception cref="UnavailableException">The runtime stayed paused (503) through every retry.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public Task<RunStream> StartRunAsync(RunRequest request, CancellationToken cancellationToken = default)
        {
            if (request is null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            byte[] body = RequestBodies.Run(request, out string? userBearer);
            return OpenStreamAsync(new RoutePath("v1/runs"), ApiArea.Run, body, request.Agent, userBearer, cancellationToken);
        }

        /// <summary>Continues a session (POST /v1/sessions/{id}/messages); the transcript is replayed server-side.</summary>
        /// <exception cref="InvalidArgumentException">The request is invalid (checked before sending), or the server refused it (400, 413).</exception>
        /// <exception cref="SessionNotFoundException">The server has no session with this id.</exception>
        /// <exception cref="SessionBusyException">The session is running another turn.</exception>
        /// <exception cref="BackpressureException">The server stayed at capacity (429) through every retry.</exception>
        /// <exception cref="UnavailableException">The runtime stayed paused (503) through every retry.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public Task<RunStream> StartContinueAsync(ContinueRequest request, CancellationToken cancellationToken = default)
        {
            if (request is null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            RoutePath route = new RoutePath("v1/sessions").Segment(request.SessionId, "SessionId").Literal("messages");
            byte[] body = RequestBodies.Continue(request, out string? userBearer);
            return OpenStreamAsync(route, ApiArea.Session, body, null, userBearer, cancellationToken);
        }

        /// <summary>Runs an agent and yields its events as they arrive (the reference client's runStreaming).</summary>
        /// <exception cref="InvalidArgumentException">As <see cref="StartRunAsync"/>.</exception>
        /// <exception cref="LoomcycleTimeoutException">The stream went silent for longer than the stream idle timeout.</exception>
        /// <exception cref="LoomcycleProtocolException">The stream broke or was not an event stream.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async IAsyncEnumerable<RunEvent> StreamRunAsync(RunRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            using RunStream stream = await StartRunAsync(request, cancellationToken).ConfigureAwait(false);
            await foreach (RunEvent ev in stream.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return ev;
            }
        }

        /// <summary>Continues a session and yields the new run's events (the reference client's continueSession).</summary>
        /// <exception cref="SessionNotFoundException">As <see cref="StartContinueAsync"/>.</exception>
        /// <exception cref="LoomcycleTimeoutException">The stream went silent for longer than the stream idle timeout.</exception>
        /// <exception cref="LoomcycleProtocolException">The stream broke or was not an event stream.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async IAsyncEnumerable<RunEvent> StreamContinueAsync(ContinueRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            using RunStream stream = await StartContinueAsync(request, cancellationToken).ConfigureAwait(false);
            await foreach (RunEvent ev in stream.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return ev;
            }
        }

        private async Task<RunStream> OpenStreamAsync(RoutePath route, ApiArea area, byte[] body, string? agent, string? userBearer, CancellationToken cancellationToken)
        {
            IReadOnlyList<string> secrets = userBearer is null ? Array.Empty<string>() : new[] { userBearer };
            using var headerDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            headerDeadline.CancelAfter(_options.RequestTimeout);
            HttpResponseMessage response;
            try
            {
                response = await SendAsync(
                    HttpMethod.Post, route, area, () => JsonContent(body), Repeatability.NotIdempotent,
                    HttpCompletionOption.ResponseHeadersRead, EventStreamAccept, headerDeadline.Token, secrets).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new LoomcycleTimeoutException(
                    $"The server did not open the event stream within {_options.RequestTimeout.TotalSeconds:0.#} s (runs may queue for 30 s first).", 0, null, null, ex)
                { Target = route.Target ?? agent };
            }

            string? mediaType = response.Content.Headers.ContentType?.MediaType;
            if (!string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
            {
                using (response)
                {
                    byte[] excerpt = await ResponseBody.ReadPrefixAsync(response, LoomcycleException.MaxBodyTextLength, cancellationToken).ConfigureAwait(false);
                    throw new LoomcycleProtocolException(
                        $"Expected an event stream but the server answered {(int)response.StatusCode} with '{mediaType ?? "no content type"}'.",
                        (int)response.StatusCode, null, Redact(System.Text.Encoding.UTF8.GetString(excerpt), secrets))
                    { Target = route.Target ?? agent };
                }
            }

            return new RunStream(response, this, agent, secrets);
        }
    }
}
