using System;
using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    public sealed partial class LoomcycleConnection
    {
        /// <summary>GET /v1/_memory/scopes: the kinds of memory scope (agent, user, tenant …).</summary>
        /// <exception cref="UnavailableException">The server has no memory store.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<MemoryScope[]> ListMemoryScopesAsync(CancellationToken cancellationToken = default)
        {
            MemoryScopeListEnvelope envelope = (await SendJsonAsync(HttpMethod.Get, new RoutePath("v1/_memory/scopes"), ApiArea.Memory, null, Repeatability.Idempotent, LoomcycleJsonContext.Default.MemoryScopeListEnvelope, cancellationToken).ConfigureAwait(false))!;
            return envelope.Scopes ?? Array.Empty<MemoryScope>();
        }

        /// <summary>GET /v1/_memory/scopes/{scope}: scope ids holding rows (at most 200, most recently updated first).</summary>
        /// <exception cref="InvalidArgumentException">An id is empty, a dot segment or (agent, run, user, interrupt ids) outside the server's pattern; nothing is sent. Also the server's 400.</exception>
        /// <exception cref="UnavailableException">The server has no memory store.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<MemoryScopeId[]> ListMemoryScopeIdsAsync(string scope, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/_memory/scopes").Segment(scope, "Scope");
            MemoryScopeIdListEnvelope envelope = (await SendJsonAsync(HttpMethod.Get, route, ApiArea.Memory, null, Repeatability.Idempotent, LoomcycleJsonContext.Default.MemoryScopeIdListEnvelope, cancellationToken).ConfigureAwait(false))!;
            MemoryScopeId[] ids = envelope.ScopeIds ?? Array.Empty<MemoryScopeId>();
            foreach (MemoryScopeId id in ids)
            {
                id.Scope = envelope.Scope ?? scope;
            }

            return ids;
        }

        /// <summary>GET …/{scope}/{scope_id}/keys: rows by key, optionally under a key prefix (limit 1 to 1000, server default 200).</summary>
        /// <exception cref="InvalidArgumentException">An id is empty, a dot segment or (agent, run, user, interrupt ids) outside the server's pattern; or the limit is out of range; nothing is sent. Also the server's 400.</exception>
        /// <exception cref="NotFoundException">The scope or scope id is unknown.</exception>
        /// <exception cref="UnavailableException">The server has no memory store.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<MemoryEntryList> ListMemoryEntriesAsync(string scope, string scopeId, string? prefix = null, int? limit = null, CancellationToken cancellationToken = default)
        {
            if (limit is int l && (l < 1 || l > 1000))
            {
                throw new InvalidArgumentException($"Limit must be between 1 and 1000, not {l}.");
            }

            RoutePath route = new RoutePath("v1/_memory/scopes").Segment(scope, "Scope").Segment(scopeId, "ScopeId").Literal("keys")
                .Query("prefix", prefix)
                .Query("limit", limit?.ToString(CultureInfo.InvariantCulture));
            MemoryEntryListEnvelope envelope = (await SendJsonAsync(HttpMethod.Get, route, ApiArea.Memory, null, Repeatability.Idempotent, LoomcycleJsonContext.Default.MemoryEntryListEnvelope, cancellationToken).ConfigureAwait(false))!;
            MemoryEntry[] entries = envelope.Entries ?? Array.Empty<MemoryEntry>();
            foreach (MemoryEntry entry in entries)
            {
                entry.Scope = scope;
                entry.ScopeId = scopeId;
            }

            return new MemoryEntryList(entries, envelope.Truncated);
        }

        /// <summary>GET …/{scope}/{scope_id}/keys/{key}: one row. A key may contain '/', sent escaped as one segment.</summary>
        /// <exception cref="InvalidArgumentException">An id is empty, a dot segment or (agent, run, user, interrupt ids) outside the server's pattern; nothing is sent. Also the server's 400.</exception>
        /// <exception cref="NotFoundException">The scope id has no entry under this key.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<MemoryEntry> GetMemoryEntryAsync(string scope, string scopeId, string key, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/_memory/scopes").Segment(scope, "Scope").Segment(scopeId, "ScopeId").Literal("keys").Segment(key, "Key");
            MemoryEntryEnvelope envelope = (await SendJsonAsync(HttpMethod.Get, route, ApiArea.Memory, null, Repeatability.Idempotent, LoomcycleJsonContext.Default.MemoryEntryEnvelope, cancellationToken).ConfigureAwait(false))!;
            MemoryEntry entry = envelope.Entry ?? throw new LoomcycleProtocolException("The server's memory answer had no entry.") { Target = key };
            entry.Scope = scope;
            entry.ScopeId = scopeId;
            return entry;
        }
    }
}
