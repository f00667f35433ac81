using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    public sealed partial class LoomcycleConnection
    {
        private static readonly Regex OperatorTokenField = new Regex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant);
        private static readonly string[] UsageGroups = { "tenant", "user", "provider", "model", "source" };

        // ---- identity, configuration, discovery ----

        /// <summary>GET /v1/_me: who this connection's token is.</summary>
        public async Task<Identity> GetIdentityAsync(CancellationToken cancellationToken = default) =>
            (await GetAdminAsync(new RoutePath("v1/_me"), AdminJsonContext.Default.Identity, cancellationToken).ConfigureAwait(false))!;

        /// <summary>GET /v1/config: the instance's configuration as this token may see it.</summary>
        public async Task<ServerConfiguration> GetServerConfigurationAsync(CancellationToken cancellationToken = default) =>
            (await GetAdminAsync(new RoutePath("v1/config"), AdminJsonContext.Default.ServerConfiguration, cancellationToken).ConfigureAwait(false))!;

        /// <summary>GET /v1/_runnable-agents: the agents this token may run, by name.</summary>
        public async Task<RunnableAgent[]> ListRunnableAgentsAsync(CancellationToken cancellationToken = default) =>
            (await GetAdminAsync(new RoutePath("v1/_runnable-agents"), AdminJsonContext.Default.RunnableAgentEnvelope, cancellationToken).ConfigureAwait(false))!.Agents
            ?? Array.Empty<RunnableAgent>();

        // ---- users and the directory ----

        /// <summary>POST /v1/_users (201). Not idempotent: a second create answers 409 user_exists.</summary>
        public async Task<UserAccount> CreateUserAsync(string subject, string? displayName = null, string? accessMode = null, string? status = null, CancellationToken cancellationToken = default)
        {
            string trimmed = RequireSubject(subject);
            CheckChoice(accessMode, "AccessMode", "tenant", "isolated");
            CheckChoice(status, "Status", "active", "disabled");
            byte[] body = RequestBodies.Object(w =>
            {
                w.WriteString("subject", trimmed);
                WriteIfSet(w, "display_name", displayName);
                WriteIfSet(w, "access_mode", accessMode);
                WriteIfSet(w, "status", status);
            });
            UserAccount user = (await SendJsonAsync(
                HttpMethod.Post, new RoutePath("v1/_users"), ApiArea.Admin, () => JsonContent(body), Repeatability.NotIdempotent,
                AdminJsonContext.Default.UserAccount, cancellationToken).ConfigureAwait(false))!;
            return user;
        }

        /// <summary>PATCH /v1/_users/{subject}: only the fields given change. Status disabled retires the user's delegated tokens.</summary>
        public async Task<UserAccount> UpdateUserAsync(string subject, string? displayName = null, string? accessMode = null, string? status = null, CancellationToken cancellationToken = default)
        {
            CheckChoice(accessMode, "AccessMode", "tenant", "isolated");
            CheckChoice(status, "Status", "active", "disabled");
            RoutePath route = new RoutePath("v1/_users").Segment(RequireSubject(subject), "Subject");
            byte[] body = RequestBodies.Object(w =>
            {
                WriteIfSet(w, "display_name", displayName);
                WriteIfSet(w, "access_mode", accessMode);
                WriteIfSet(w, "status", status);
            });
            return (await SendJsonAsync(
                new HttpMethod("PATCH"), route, ApiArea.Admin, () => JsonContent(body), Repeatability.Idempotent,
                AdminJsonContext.Default.UserAccount, cancellationToken).ConfigureAwait(false))!;
        }

        /// <summary>DELETE /v1/_users/{subject} (204): retires the user's delegated tokens, then deletes the user.</summary>
        public async Task DeleteUserAsync(string subject, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/_users").Segment(RequireSubject(subject), "Subject");
            await SendJsonAsync<UserAccount>(HttpMethod.Delete, route, ApiArea.Admin, null, Repeatability.NotIdempotent, null, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>GET /v1/_users/{subject}?tenant=: the directory view. An admin token must name the tenant ("" = default).</summary>
        public async Task<UserDirectoryEntry> GetUserDirectoryEntryAsync(string subject, string? tenant = null, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/_users").Segment(RequireSubject(subject), "Subject").Query("tenant", tenant);
            return (await GetAdminAsync(route, AdminJsonContext.Default.UserDirectoryEntry, cancellationToken).ConfigureAwait(false))!;
        }

        /// <summary>GET /v1/_tenants (admin): tenants seen in runs. <paramref name="notes"/> gets the server's caveats.</summary>
        public async Task<TenantSummary[]> ListTenantsAsync(Action<string>? notes = null, CancellationToken cancellationToken = default)
        {
            TenantEnvelope envelope = (await GetAdminAsync(new RoutePath("v1/_tenants"), AdminJsonContext.Default.TenantEnvelope, cancellationToken).ConfigureAwait(false))!;
            foreach (string note in envelope.Notes ?? Array.Empty<string>())
            {
                notes?.Invoke(note);
            }

            return envelope.Tenants ?? Array.Empty<TenantSummary>();
        }

        // ---- delegated user tokens ----

        /// <summary>POST /v1/_users/{subject}/tokens (201): mints a token; its secret is in <see cref="UserToken.Token"/>, once.</summary>
        public async Task<UserToken> CreateUserTokenAsync(string subject, CancellationToken cancellationToken = default)
        {
            string trimmed = RequireSubject(subject);
            RoutePath route = new RoutePath("v1/_users").Segment(trimmed, "Subject").Literal("tokens");
            UserToken token = (await SendJsonAsync(
                HttpMethod.Post, route, ApiArea.Admin, null, Repeatability.NotIdempotent, AdminJsonContext.Default.UserToken, cancellationToken).ConfigureAwait(false))!;
            token.Token = TakeSecret(token);
            token.Subject = trimmed;
            token.Active = true;
            return token;
        }

        /// <summary>GET /v1/_users/{subject}/tokens: the subject's delegated tokens (no secrets).</summary>
        public async Task<UserToken[]> ListUserTokensAsync(string subject, CancellationToken cancellationToken = default)
        {
            string trimmed = RequireSubject(subject);
            RoutePath route = new RoutePath("v1/_users").Segment(trimmed, "Subject").Literal("tokens");
            UserTokenEnvelope envelope = (await GetAdminAsync(route, AdminJsonContext.Default.UserTokenEnvelope, cancellationToken).ConfigureAwait(false))!;
            UserToken[] tokens = envelope.Tokens ?? Array.Empty<UserToken>();
            foreach (UserToken token in tokens)
            {
                token.Subject = string.IsNullOrEmpty(envelope.Subject) ? trimmed : envelope.Subject;
                TakeSecret(token);
            }

            return tokens;
        }

        /// <summary>DELETE /v1/_users/{subject}/tokens/{def_id}: retires one delegated token.</summary>
        public async Task<TokenRevocation> RevokeUserTokenAsync(string subject, string defId, CancellationToken cancellationToken = default)
        {
            string trimmed = RequireSubject(subject);
            RoutePath route = new RoutePath("v1/_users").Segment(trimmed, "Subject").Literal("tokens").Segment(defId, "DefId");
            TokenRevocation revoked;
            try
            {
                revoked = (await SendJsonAsync(
                    HttpMethod.Delete, route, ApiArea.Admin, null, Repeatability.NotIdempotent, AdminJsonContext.Default.TokenRevocation, cancellationToken).ConfigureAwait(false))!;
            }
            catch (LoomcycleException ex) when (ex.StatusCode != 0)
            {
                ex.Target = defId;
                throw;
            }

            revoked.Subject = trimmed;
            return revoked;
        }

        // ---- operator tokens ----

        /// <summary>POST /v1/_operatortokendef op=create: mints an operator token (default scope substrate:admin).</summary>
        public async Task<OperatorToken> CreateOperatorTokenAsync(string name, string tenantId, string? subject = null, IEnumerable<string>? scopes = null, CancellationToken cancellationToken = default)
        {
            CheckOperatorField(name, "Name", required: true);
            CheckOperatorField(tenantId, "TenantId", required: true);
            CheckOperatorField(subject, "Subject", required: false);
            string[]? scopeList = scopes?.ToArray();
            OperatorToken token = await OperatorTokenOpAsync("create", w =>
            {
                w.WriteString("name", name);
                w.WriteString("tenant_id", tenantId);
                WriteIfSet(w, "subject", subject);
                if (scopeList is not null && scopeList.Length > 0)
                {
                    w.WriteStartArray("scopes");
                    foreach (string scope in scopeList)
                    {
                        w.WriteStringValue(scope);
                    }

                    w.WriteEndArray();
                }
            }, AdminJsonContext.Default.OperatorToken, name, cancellationToken).ConfigureAwait(false);
            token.Token = TakeSecret(token);
            return token;
        }

        /// <summary>POST /v1/_operatortokendef op=rotate: a replacement token; the prior one retires after the grace period (server default 24 h).</summary>
        public async Task<OperatorToken> RotateOperatorTokenAsync(string? name, string? defId, int? graceSeconds = null, CancellationToken cancellationToken = default)
        {
            RequireNameOrDefId(name, defId);
            if (graceSeconds is int g && g < 0)
            {
                throw new InvalidArgumentException($"GraceSec must not be negative, not {g}.");
            }

            if (defId is not null)
            {
                // The server rotates any row by def_id and sets its retirement to now + grace: a retired (perhaps leaked)
                // token would work again, and one already replaced would be replaced a second time.
                OperatorToken prior = await GetOperatorTokenAsync(defId, cancellationToken).ConfigureAwait(false);
                if (prior.RetiredAt is DateTimeOffset retiredAt)
                {
                    string when = retiredAt.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture);
                    throw new InvalidArgumentException(
                        $"Operator token {defId} ('{prior.Name}') {(retiredAt <= DateTimeOffset.UtcNow ? "was retired at " + when : "was replaced and retires at " + when)}: rotating it would make it valid again. Rotate the name's current token instead (name '{prior.Name}').")
                    { Target = defId };
                }
            }

            OperatorToken token = await OperatorTokenOpAsync("rotate", w =>
            {
                WriteIfSet(w, "name", name);
                WriteIfSet(w, "def_id", defId);
                if (graceSeconds is int grace)
                {
                    w.WriteNumber("grace_seconds", grace);
                }
            }, AdminJsonContext.Default.OperatorToken, defId ?? name, cancellationToken).ConfigureAwait(false);
            token.Token = TakeSecret(token);
            return token;
        }

        /// <summary>POST /v1/_operatortokendef op=retire. Refused (422 tool_refused) for the last admin token without a legacy fallback.</summary>
        public Task<TokenRevocation> RetireOperatorTokenAsync(string? name, string? defId, CancellationToken cancellationToken = default)
        {
            RequireNameOrDefId(name, defId);
            return OperatorTokenOpAsync("retire", w =>
            {
                WriteIfSet(w, "name", name);
                WriteIfSet(w, "def_id", defId);
            }, AdminJsonContext.Default.TokenRevocation, defId ?? name, cancellationToken);
        }

        /// <summary>POST /v1/_operatortokendef op=get: one token row (no secret).</summary>
        public async Task<OperatorToken> GetOperatorTokenAsync(string defId, CancellationToken cancellationToken = default)
        {
            if (string.IsNullOrWhiteSpace(defId))
            {
                throw new InvalidArgumentException("DefId must not be empty.");
            }

            OperatorToken token = await OperatorTokenOpAsync("get", w => w.WriteString("def_id", defId), AdminJsonContext.Default.OperatorToken, defId, cancellationToken).ConfigureAwait(false);
            TakeSecret(token);
            return token;
        }

        /// <summary>POST /v1/_operatortokendef op=list: every token of one name, current and retired (no secrets).</summary>
        public async Task<OperatorToken[]> ListOperatorTokensAsync(string name, CancellationToken cancellationToken = default)
        {
            CheckOperatorField(name, "Name", required: true);
            OperatorTokenListEnvelope envelope = await OperatorTokenOpAsync("list", w => w.WriteString("name", name), AdminJsonContext.Default.OperatorTokenListEnvelope, name, cancellationToken).ConfigureAwait(false);
            OperatorToken[] tokens = envelope.Tokens ?? Array.Empty<OperatorToken>();
            foreach (OperatorToken token in tokens)
            {
                TakeSecret(token);
            }

            return tokens;
        }

        /// <summary>GET /v1/_operatortokendef/names: the operator token names.</summary>
        public async Task<OperatorTokenName[]> ListOperatorTokenNamesAsync(string? tenant = null, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/_operatortokendef/names").Query("tenant", tenant);
            return (await GetAdminAsync(route, AdminJsonContext.Default.OperatorTokenNameEnvelope, cancellationToken).ConfigureAwait(false))!.Names
                ?? Array.Empty<OperatorTokenName>();
        }

        // ---- usage and budgets ----

        /// <summary>GET /v1/_usage: one row per group (default tenant, source). Costs are per currency, never summed across.</summary>
        public async Task<UsageRow[]> GetUsageAsync(IEnumerable<string>? groupBy = null, DateTimeOffset? from = null, DateTimeOffset? to = null, string? tenant = null, CancellationToken cancellationToken = default)
        {
            string[]? groups = groupBy?.Select(g => g.Trim().ToLowerInvariant()).Where(g => g.Length > 0).Distinct().ToArray();
            string? bad = groups?.FirstOrDefault(g => Array.IndexOf(UsageGroups, g) < 0);
            if (bad is not null)
            {
                throw new InvalidArgumentException($"GroupBy '{bad}' is not one the server knows: use {string.Join(", ", UsageGroups)}.") { Target = bad };
            }

            if (from is DateTimeOffset f && to is DateTimeOffset t && f > t)
            {
                throw new InvalidArgumentException($"From ({Rfc3339(f)}) is after To ({Rfc3339(t)}).");
            }

            RoutePath route = new RoutePath("v1/_usage")
                .Query("group_by", groups is { Length: > 0 } ? string.Join(",", groups) : null)
                .Query("from", from is DateTimeOffset fr ? Rfc3339(fr) : null)
                .Query("to", to is DateTimeOffset tt ? Rfc3339(tt) : null)
                .Query("tenant", tenant);
            UsageEnvelope envelope = (await GetAdminAsync(route, AdminJsonContext.Default.UsageEnvelope, cancellationToken).ConfigureAwait(false))!;
            UsageRow[] rows = envelope.Rows ?? Array.Empty<UsageRow>();
            DateTimeOffset? windowFrom = ParseTime(envelope.From) ?? from;
            DateTimeOffset? windowTo = ParseTime(envelope.To) ?? to;
            foreach (UsageRow row in rows)
            {
                row.From = windowFrom;
                row.To = windowTo;
            }

            return rows;
        }

        /// <summary>GET /v1/_limits: the budgets with this month's use.</summary>
        public async Task<BudgetLimit[]> ListLimitsAsync(string? tenant = null, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/_limits").Query("tenant", tenant);
            return (await GetAdminAsync(route, AdminJsonContext.Default.LimitEnvelope, cancellationToken).ConfigureAwait(false))!.Limits
                ?? Array.Empty<BudgetLimit>();
        }

        /// <summary>
        /// GET /v1/_limits: the one budget of <paramref name="scope"/> (and <paramref name="scopeId"/> for a user budget),
        /// or null when none is set. An operator budget is looked up across tenants; the others in
        /// <paramref name="tenantId"/>'s tenant, or in every tenant the token sees when it is null.
        /// </summary>
        /// <exception cref="InvalidArgumentException">The scope or scope id is not valid (see <see cref="CheckLimitScope"/>), nothing is sent; or the
        /// budget is set in more than one tenant and <paramref name="tenantId"/> does not say which (its target is the scope id, or the scope).</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<BudgetLimit?> GetLimitAsync(string scope, string? scopeId, string? tenantId = null, CancellationToken cancellationToken = default)
        {
            CheckLimitScope(scope, scopeId);
            BudgetLimit[] matches = (await ListLimitsAsync(scope == "operator" ? null : tenantId, cancellationToken).ConfigureAwait(false))
                .Where(l => l.Scope == scope && (l.ScopeId ?? string.Empty) == (scopeId ?? string.Empty)
                    && (scope == "operator" || tenantId is null || l.TenantId == tenantId))
                .ToArray();
            if (matches.Length > 1)
            {
                throw new InvalidArgumentException(
                    $"{matches.Length} tenants have a {scope} budget{(scopeId is null ? string.Empty : " for " + scopeId)}; pass tenantId to say which.")
                { Target = scopeId ?? scope };
            }

            return matches.FirstOrDefault();
        }

        /// <summary>
        /// PUT /v1/_limits: a FULL-ROW upsert — a tier that is null here is cleared on the server.
        /// (Set-LoomcycleLimit keeps the tiers not named; this call sends exactly what it is given.)
        /// </summary>
        public async Task<BudgetLimit> SetLimitAsync(string scope, string? scopeId, long? softLimit, long? hardLimit, string? tenantId = null, CancellationToken cancellationToken = default)
        {
            CheckLimitScope(scope, scopeId);
            if (softLimit is long s && s < 0) throw new InvalidArgumentException($"SoftLimit must not be negative, not {s}.");
            if (hardLimit is long h && h < 0) throw new InvalidArgumentException($"HardLimit must not be negative, not {h}.");
            byte[] body = RequestBodies.Object(w =>
            {
                WriteIfSet(w, "tenant_id", tenantId);
                w.WriteString("scope", scope);
                WriteIfSet(w, "scope_id", scopeId);
                if (softLimit is long soft) w.WriteNumber("soft_limit", soft);
                if (hardLimit is long hard) w.WriteNumber("hard_limit", hard);
            });
            return (await SendJsonAsync(
                HttpMethod.Put, new RoutePath("v1/_limits"), ApiArea.Admin, () => JsonContent(body), Repeatability.Idempotent,
                AdminJsonContext.Default.BudgetLimit, cancellationToken).ConfigureAwait(false))!;
        }

        /// <summary>DELETE /v1/_limits?scope=&amp;scope_id=&amp;tenant= (204, also when no row existed).</summary>
        public async Task DeleteLimitAsync(string scope, string? scopeId, string? tenantId = null, CancellationToken cancellationToken = default)
        {
            CheckLimitScope(scope, scopeId);
            RoutePath route = new RoutePath("v1/_limits").Query("scope", scope).Query("scope_id", scopeId).Query("tenant", tenantId);
            await SendJsonAsync<BudgetLimit>(HttpMethod.Delete, route, ApiArea.Admin, null, Repeatability.Idempotent, null, cancellationToken).ConfigureAwait(false);
        }

        // ---- erasure ----

        /// <summary>GET /v1/_erasure?subject=&amp;tenant=: what is held about a subject. An admin token must name the tenant.</summary>
        public async Task<ErasureReport> GetErasureReportAsync(string subject, string? tenant = null, CancellationToken cancellationToken = default)
        {
            string trimmed = RequireSubject(subject);
            RoutePath route = new RoutePath("v1/_erasure").Query("subject", trimmed).Query("tenant", tenant);
            ErasureReport report = (await GetAdminAsync(route, AdminJsonContext.Default.ErasureReport, cancellationToken).ConfigureAwait(false))!;
            return report;
        }

        /// <summary>
        /// POST /v1/_erasure. A dry run reports what would go; a live run sends <c>confirm</c> = subject itself and
        /// deletes. The result keeps the server's exact answer in <see cref="ErasureResult.Json"/>: archive it.
        /// </summary>
        public async Task<ErasureResult> InvokeErasureAsync(string subject, bool dryRun, string? tenant = null, CancellationToken cancellationToken = default)
        {
            string trimmed = RequireSubject(subject);
            byte[] body = RequestBodies.Object(w =>
            {
                w.WriteString("subject", trimmed);
                w.WriteBoolean("dry_run", dryRun);
                if (!dryRun)
                {
                    w.WriteString("confirm", trimmed);
                }
            });
            RoutePath route = new RoutePath("v1/_erasure").Query("tenant", tenant);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_options.RequestTimeout + ServerPauseCap);
            byte[] raw;
            try
            {
                using HttpResponseMessage response = await SendAsync(
                    HttpMethod.Post, route, ApiArea.Admin, () => JsonContent(body), Repeatability.NotIdempotent,
                    HttpCompletionOption.ResponseHeadersRead, "application/json", deadline.Token).ConfigureAwait(false);
                raw = await ReadCappedAsync(response, _options.MaximumResponseBytes, route, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new LoomcycleTimeoutException($"The erasure of '{trimmed}' got no complete answer in time; check the audit log before running it again.", 0, null, null, ex) { Target = trimmed };
            }

            ErasureResult result;
            try
            {
                result = JsonSerializer.Deserialize(raw, AdminJsonContext.Default.ErasureResult)
                    ?? throw new LoomcycleProtocolException("The server answered the erasure with an empty JSON body.") { Target = trimmed };
            }
            catch (JsonException ex)
            {
                throw new LoomcycleProtocolException($"The server's erasure answer is not the JSON this module expects ({ex.Message}).", 200, null, null, ex) { Target = trimmed };
            }

            result.Json = Encoding.UTF8.GetString(raw).TrimEnd('\n');
            result.ExecutedAt = DateTimeOffset.UtcNow;
            result.Server = BaseUri;
            return result;
        }

        // ---- audit, observability ----

        /// <summary>GET /v1/_events: one page of the audit log, newest first.</summary>
        public async Task<AuditEventPage> ListAuditEventsAsync(string? type = null, DateTimeOffset? from = null, DateTimeOffset? to = null, int? limit = null, long? offset = null, string? tenant = null, CancellationToken cancellationToken = default)
        {
            if (limit is int l && l <= 0) throw new InvalidArgumentException($"Limit must be positive, not {l}.");
            if (offset is long o && o < 0) throw new InvalidArgumentException($"Offset must not be negative, not {o}.");
            RoutePath route = new RoutePath("v1/_events")
                .Query("type", type)
                .Query("from", from is DateTimeOffset f ? Rfc3339(f) : null)
                .Query("to", to is DateTimeOffset t ? Rfc3339(t) : null)
                .Query("limit", limit?.ToString(CultureInfo.InvariantCulture))
                .Query("offset", offset?.ToString(CultureInfo.InvariantCulture))
                .Query("tenant", tenant);
            return (await GetAdminAsync(route, AdminJsonContext.Default.AuditEventPage, cancellationToken).ConfigureAwait(false))!;
        }

        /// <summary>GET /v1/_resolver (or POST /v1/_resolve/probe with <paramref name="probe"/>): provider reachability.</summary>
        public async Task<ProviderStatus[]> GetResolverAsync(bool probe = false, CancellationToken cancellationToken = default)
        {
            ResolverMatrix matrix = probe
                ? (await SendJsonAsync(HttpMethod.Post, new RoutePath("v1/_resolve/probe"), ApiArea.Admin, null, Repeatability.Idempotent, AdminJsonContext.Default.ResolverMatrix, cancellationToken,
                    timeout: _options.RequestTimeout + TimeSpan.FromSeconds(30)).ConfigureAwait(false))!
                : (await GetAdminAsync(new RoutePath("v1/_resolver"), AdminJsonContext.Default.ResolverMatrix, cancellationToken).ConfigureAwait(false))!;
            var providers = new List<ProviderStatus>();
            foreach (KeyValuePair<string, ProviderStatus> entry in (matrix.Providers ?? new Dictionary<string, ProviderStatus>()).OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                entry.Value.Provider = entry.Key;
                entry.Value.GeneratedAt = matrix.GeneratedAt;
                providers.Add(entry.Value);
            }

            return providers.ToArray();
        }

        /// <summary>GET /v1/_routing: each plan's model cascade per tier, flattened to one entry per step.</summary>
        public async Task<RoutingEntry[]> GetRoutingAsync(CancellationToken cancellationToken = default)
        {
            RoutingView view = (await GetAdminAsync(new RoutePath("v1/_routing"), AdminJsonContext.Default.RoutingView, cancellationToken).ConfigureAwait(false))!;
            var entries = new List<RoutingEntry>();
            foreach (RoutingPlan plan in view.UserTiers ?? Array.Empty<RoutingPlan>())
            {
                foreach (RoutingTier tier in plan.Tiers ?? Array.Empty<RoutingTier>())
                {
                    int position = 0;
                    foreach (RoutingEntry step in tier.Cascade ?? Array.Empty<RoutingEntry>())
                    {
                        step.Plan = plan.Name;
                        step.Tier = tier.Tier;
                        step.Position = ++position;
                        entries.Add(step);
                    }
                }
            }

            return entries.ToArray();
        }

        /// <summary>GET /v1/_models (aliases), or GET /v1/_providers/{id}/models (a live listing) when <paramref name="provider"/> is given.</summary>
        public async Task<ModelInfo[]> ListModelsAsync(string? provider = null, CancellationToken cancellationToken = default)
        {
            if (provider is null)
            {
                ModelAliasEnvelope aliases = (await GetAdminAsync(new RoutePath("v1/_models"), AdminJsonContext.Default.ModelAliasEnvelope, cancellationToken).ConfigureAwait(false))!;
                return (aliases.Aliases ?? new Dictionary<string, ModelAliasTarget>())
                    .OrderBy(a => a.Key, StringComparer.Ordinal)
                    .Select(a => new ModelInfo { Alias = a.Key, Provider = a.Value.Provider, Model = a.Value.Model })
                    .ToArray();
            }

            RoutePath route = new RoutePath("v1/_providers").Segment(provider, "Provider").Literal("models");
            ProviderModelsEnvelope listing = (await SendJsonAsync(HttpMethod.Get, route, ApiArea.Admin, null, Repeatability.Idempotent, AdminJsonContext.Default.ProviderModelsEnvelope, cancellationToken,
                timeout: _options.RequestTimeout + TimeSpan.FromSeconds(10)).ConfigureAwait(false))!;
            string name = string.IsNullOrEmpty(listing.Provider) ? provider : listing.Provider;
            return (listing.Models ?? Array.Empty<string>())
                .Select(m => new ModelInfo { Provider = name, Model = m, FetchedAt = listing.FetchedAt })
                .ToArray();
        }

        /// <summary>GET /v1/_concurrency/stats.</summary>
        public async Task<ConcurrencyStats> GetConcurrencyAsync(CancellationToken cancellationToken = default) =>
            (await GetAdminAsync(new RoutePath("v1/_concurrency/stats"), AdminJsonContext.Default.ConcurrencyStats, cancellationToken).ConfigureAwait(false))!;

        /// <summary>GET /v1/_metrics/summary?period=: 1h, 24h or 7d.</summary>
        public async Task<MetricBucket[]> GetMetricSummaryAsync(string? period = null, CancellationToken cancellationToken = default)
        {
            CheckChoice(period, "Period", "1h", "24h", "7d");
            RoutePath route = new RoutePath("v1/_metrics/summary").Query("period", period);
            MetricSummaryEnvelope summary = (await GetMetricsAsync(route, AdminJsonContext.Default.MetricSummaryEnvelope, cancellationToken).ConfigureAwait(false))!;
            MetricBucket[] buckets = summary.Buckets ?? Array.Empty<MetricBucket>();
            foreach (MetricBucket bucket in buckets)
            {
                bucket.Period = summary.Period;
            }

            return buckets;
        }

        /// <summary>GET /v1/_metrics/samples: one page; pass the returned cursor back for the next (null = done).</summary>
        public async Task<(ProcessSample[] Samples, string? NextCursor)> GetMetricSamplesAsync(DateTimeOffset since, DateTimeOffset? until = null, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default)
        {
            if (limit is int l && (l < 1 || l > 1000)) throw new InvalidArgumentException($"Limit must be 1 to 1000, not {l}.");
            RoutePath route = new RoutePath("v1/_metrics/samples")
                .Query("since", Rfc3339(since))
                .Query("until", until is DateTimeOffset u ? Rfc3339(u) : null)
                .Query("limit", limit?.ToString(CultureInfo.InvariantCulture))
                .Query("cursor", cursor);
            ProcessSamplePage page = (await GetMetricsAsync(route, AdminJsonContext.Default.ProcessSamplePage, cancellationToken).ConfigureAwait(false))!;
            return (page.Samples ?? Array.Empty<ProcessSample>(), string.IsNullOrEmpty(page.NextCursor) ? null : page.NextCursor);
        }

        /// <summary>GET /v1/_metrics/runs/{run_id}.</summary>
        public async Task<RunMetrics> GetRunMetricsAsync(string runId, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/_metrics/runs").Segment(runId, "RunId");
            return (await GetMetricsAsync(route, AdminJsonContext.Default.RunMetrics, cancellationToken).ConfigureAwait(false))!;
        }

        /// <summary>GET /v1/_retention.</summary>
        public async Task<RetentionPolicy> GetRetentionAsync(CancellationToken cancellationToken = default) =>
            (await GetAdminAsync(new RoutePath("v1/_retention"), AdminJsonContext.Default.RetentionPolicy, cancellationToken).ConfigureAwait(false))!;

        // ---- helpers ----

        private Task<T?> GetAdminAsync<T>(RoutePath route, JsonTypeInfo<T> type, CancellationToken cancellationToken)
            where T : class =>
            SendJsonAsync(HttpMethod.Get, route, ApiArea.Admin, null, Repeatability.Idempotent, type, cancellationToken);

        /// <summary>The metrics routes answer 503 without a code and put the remedy in <c>enable_hint</c>: keep it in the message.</summary>
        private async Task<T?> GetMetricsAsync<T>(RoutePath route, JsonTypeInfo<T> type, CancellationToken cancellationToken)
            where T : class
        {
            try
            {
                return await GetAdminAsync(route, type, cancellationToken).ConfigureAwait(false);
            }
            catch (UnavailableException ex) when (ex.StatusCode == 503 && ex.Code is null && ReadHint(ex.BodyText) is string hint)
            {
                throw new UnavailableException($"{ex.Message} {hint}", ex.StatusCode, "metrics_disabled", ex.BodyText, ex) { Target = ex.Target };
            }
        }

        private static string? ReadHint(string? body)
        {
            if (body is null || body.TrimStart().Length == 0 || body.TrimStart()[0] != '{')
            {
                return null;
            }

            try
            {
                using JsonDocument doc = JsonDocument.Parse(body);
                return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("enable_hint", out JsonElement hint) && hint.ValueKind == JsonValueKind.String
                    ? hint.GetString()
                    : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private async Task<T> OperatorTokenOpAsync<T>(string op, Action<Utf8JsonWriter> fields, JsonTypeInfo<T> type, string? target, CancellationToken cancellationToken)
            where T : class
        {
            byte[] body = RequestBodies.Object(w =>
            {
                w.WriteString("op", op);
                fields(w);
            });
            bool reading = op == "get" || op == "list";
            try
            {
                return (await SendJsonAsync(
                    HttpMethod.Post, new RoutePath("v1/_operatortokendef"), ApiArea.Admin, () => JsonContent(body),
                    reading ? Repeatability.Idempotent : Repeatability.NotIdempotent, type, cancellationToken).ConfigureAwait(false))!;
            }
            catch (LoomcycleException ex) when (ex.Target is null)
            {
                ex.Target = target;
                throw;
            }
        }

        /// <summary>Moves the one-time secret out of the unmodelled fields into a SecureString, so it is never kept as text.</summary>
        private static SecureString? TakeSecret(WireObject item)
        {
            if (item.AdditionalProperties is null || !item.AdditionalProperties.TryGetValue("token", out JsonElement value))
            {
                return null;
            }

            item.AdditionalProperties.Remove("token");
            item.AdditionalProperties.Remove("import_token");
            if (item.AdditionalProperties.Count == 0)
            {
                item.AdditionalProperties = null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            var secure = new SecureString();
            foreach (char c in value.GetString()!)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }

        private static string RequireSubject(string? subject)
        {
            string trimmed = subject?.Trim() ?? string.Empty;
            if (trimmed.Length == 0)
            {
                throw new InvalidArgumentException("Subject must not be empty.");
            }

            return trimmed;
        }

        private static void CheckChoice(string? value, string name, params string[] allowed)
        {
            if (value is not null && Array.IndexOf(allowed, value) < 0)
            {
                throw new InvalidArgumentException($"{name} must be {string.Join(" or ", allowed)}, not '{value}'.") { Target = value };
            }
        }

        private static void CheckOperatorField(string? value, string name, bool required)
        {
            if (value is null && !required)
            {
                return;
            }

            if (value is null || !OperatorTokenField.IsMatch(value))
            {
                throw new InvalidArgumentException($"{name} '{value}' is not valid: the server accepts 1 to 64 letters, digits, '_' and '-'.") { Target = value };
            }
        }

        private static void RequireNameOrDefId(string? name, string? defId)
        {
            if (string.IsNullOrWhiteSpace(name) && string.IsNullOrWhiteSpace(defId))
            {
                throw new InvalidArgumentException("Name the token: pass a name or a defId.");
            }
        }

        /// <summary>
        /// Refuses a budget scope the server does not have, a user budget without a scope id, or another budget with one:
        /// the check <see cref="SetLimitAsync"/>, <see cref="DeleteLimitAsync"/> and <see cref="GetLimitAsync"/> make before
        /// sending. Call it first to refuse before asking a user to confirm.
        /// </summary>
        /// <param name="scope">operator, tenant or user.</param>
        /// <param name="scopeId">The user's subject for a user budget; null or empty for the others.</param>
        /// <exception cref="InvalidArgumentException">The scope is not operator, tenant or user (its target is the scope), a user budget has no
        /// scope id (target: the scope), or another budget has one (target: the scope id).</exception>
        public static void CheckLimitScope(string scope, string? scopeId)
        {
            CheckChoice(scope, "Scope", "operator", "tenant", "user");
            if (scope == "user" && string.IsNullOrWhiteSpace(scopeId))
            {
                throw new InvalidArgumentException("A user budget needs a scope id: the user's subject.") { Target = scope };
            }

            if (scope != "user" && !string.IsNullOrEmpty(scopeId))
            {
                throw new InvalidArgumentException($"A {scope} budget takes no scope id (it was '{scopeId}'); only user budgets have one.") { Target = scopeId };
            }
        }

        private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
        {
            if (value is not null)
            {
                writer.WriteString(name, value);
            }
        }

        private static string Rfc3339(DateTimeOffset time) =>
            time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

        private static DateTimeOffset? ParseTime(string? text) =>
            !string.IsNullOrEmpty(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset parsed) && parsed.Year > 1
                ? parsed
                : null;
    }
}
