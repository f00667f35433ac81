using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    public sealed partial class LoomcycleConnection
    {
        /// <summary>GET /v1/_users: users with their running and total run counts.</summary>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<User[]> ListUsersAsync(CancellationToken cancellationToken = default)
        {
            UserListEnvelope envelope = (await SendJsonAsync(HttpMethod.Get, new RoutePath("v1/_users"), ApiArea.Users, null, Repeatability.Idempotent, LoomcycleJsonContext.Default.UserListEnvelope, cancellationToken).ConfigureAwait(false))!;
            return envelope.Users ?? Array.Empty<User>();
        }
    }
}
