using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    public sealed partial class LoomcycleConnection
    {
        /// <summary>GET /healthz: liveness, no token needed. Older servers answer only {"ok":true}.</summary>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<Health> GetHealthAsync(CancellationToken cancellationToken = default)
        {
            Health health = (await SendJsonAsync(HttpMethod.Get, new RoutePath("healthz"), ApiArea.Health, null, Repeatability.Idempotent, LoomcycleJsonContext.Default.Health, cancellationToken).ConfigureAwait(false))!;
            health.BaseUri = BaseUri;
            return health;
        }
    }
}
