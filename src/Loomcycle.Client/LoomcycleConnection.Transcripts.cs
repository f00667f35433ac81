using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    public sealed partial class LoomcycleConnection
    {
        /// <summary>GET /v1/sessions/{id}/transcript: a session's persisted events.</summary>
        public async Task<Transcript> GetTranscriptAsync(string sessionId, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/sessions").Segment(sessionId, "SessionId").Literal("transcript");
            return (await SendJsonAsync(HttpMethod.Get, route, ApiArea.Session, null, Repeatability.Idempotent, LoomcycleJsonContext.Default.Transcript, cancellationToken).ConfigureAwait(false))!;
        }
    }
}
