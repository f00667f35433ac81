using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    public sealed partial class LoomcycleConnection
    {
        /// <summary>GET /v1/sessions/{id}/transcript: a session's persisted events.</summary>
        /// <exception cref="InvalidArgumentException">An id is empty, a dot segment or (agent, run, user, interrupt ids) outside the server's pattern; nothing is sent. Also the server's 400.</exception>
        /// <exception cref="NotFoundException">The server has no transcript for this session.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<Transcript> GetTranscriptAsync(string sessionId, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/sessions").Segment(sessionId, "SessionId").Literal("transcript");
            return (await SendJsonAsync(HttpMethod.Get, route, ApiArea.Session, null, Repeatability.Idempotent, LoomcycleJsonContext.Default.Transcript, cancellationToken).ConfigureAwait(false))!;
        }
    }
}
