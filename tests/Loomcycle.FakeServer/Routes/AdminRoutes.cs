using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Loomcycle.FakeServer.Json;
using Loomcycle.FakeServer.Routing;

namespace Loomcycle.FakeServer.Routes;

/// <summary>
/// The administration routes of a v1.59 server (wire-contract-v1 §2.5–2.8, §2.14, §2.15) with the auth rules of §0:
/// admin-only routes answer 403 <c>insufficient scope</c> (plain text) to a tenant token; tenant routes admit admin,
/// substrate:tenant and — unless carved out — non-isolated member tokens.
/// </summary>
internal static class AdminRoutes
{
    private const string Admin = "substrate:admin";
    private const string TenantScope = "substrate:tenant";

    public static void Map(Router router)
    {
        router.Map("GET", "/v1/_me", MeAsync);
        router.Map("GET", "/v1/config", ConfigAsync);
        router.Map("GET", "/v1/_runnable-agents", RunnableAsync);
        router.Map("GET", "/v1/_tenants", TenantsAsync);
        router.Map("GET", "/v1/_users/{subject}", InspectAsync);
        router.Map("POST", "/v1/_users", CreateUserAsync);
        router.Map("PATCH", "/v1/_users/{subject}", PatchUserAsync);
        router.Map("DELETE", "/v1/_users/{subject}", DeleteUserAsync);
        router.Map("POST", "/v1/_users/{subject}/tokens", MintAsync);
        router.Map("GET", "/v1/_users/{subject}/tokens", ListTokensAsync);
        router.Map("DELETE", "/v1/_users/{subject}/tokens/{def_id}", RevokeAsync);
        router.Map("POST", "/v1/_operatortokendef", OperatorTokenAsync);
        router.Map("GET", "/v1/_operatortokendef/names", OperatorNamesAsync);
        router.Map("GET", "/v1/_usage", UsageAsync);
        router.Map("GET", "/v1/_limits", ListLimitsAsync);
        router.Map("PUT", "/v1/_limits", PutLimitAsync);
        router.Map("DELETE", "/v1/_limits", DeleteLimitAsync);
        router.Map("GET", "/v1/_erasure", ErasureReportAsync);
        router.Map("POST", "/v1/_erasure", ErasureAsync);
        router.Map("GET", "/v1/_events", EventsAsync);
        router.Map("GET", "/v1/_resolver", ResolverAsync);
        router.Map("POST", "/v1/_resolve/probe", ResolverAsync);
        router.Map("GET", "/v1/_routing", RoutingAsync);
        router.Map("GET", "/v1/_models", ModelsAsync);
        router.Map("GET", "/v1/_providers/{id}/models", ProviderModelsAsync);
        router.Map("GET", "/v1/_concurrency/stats", ConcurrencyAsync);
        router.Map("GET", "/v1/_metrics/summary", MetricsSummaryAsync);
        router.Map("GET", "/v1/_metrics/samples", MetricsSamplesAsync);
        router.Map("GET", "/v1/_metrics/runs/{run_id}", MetricsRunAsync);
        router.Map("GET", "/v1/_retention", RetentionAsync);
    }

    // ---- principal and scope gates ----

    internal sealed record Principal(string Tenant, string Subject, string[] Scopes, bool Legacy, bool OpenMode, string? AccessMode)
    {
        public bool IsAdmin => Scopes.Contains(Admin);
        public bool HasTenant => IsAdmin || Scopes.Contains(TenantScope);
        /// <summary>RFC CB: a non-isolated user token without substrate:tenant.</summary>
        public bool IsMember => !HasTenant && AccessMode != "isolated" && (Scopes.Contains("runs:read") || Scopes.Contains("runs:create"));
    }

    internal static Principal Who(RequestContext rc)
    {
        string header = rc.Http.Request.Headers.Authorization.Count > 0 ? rc.Http.Request.Headers.Authorization[0] ?? "" : "";
        string secret = header.Length > 7 ? header[7..] : "";
        BearerRecord? bearer = secret.Length > 0 && secret != rc.Options.Token ? rc.State.FindBearer(secret) : null;
        if (bearer is not null)
        {
            string? mode = bearer.Kind == "user" ? rc.State.UserAccounts.FirstOrDefault(u => u.TenantId == bearer.TenantId && u.Subject == bearer.Subject)?.AccessMode : null;
            return new Principal(bearer.TenantId, bearer.Subject, bearer.Scopes, false, false, mode);
        }
        bool open = string.IsNullOrEmpty(rc.Options.Token);
        return new Principal("default", open ? "default" : "legacy", new[] { Admin }, !open, open, null);
    }

    private static Task Forbidden(RequestContext rc, string scope)
    {
        rc.Http.Response.Headers.WWWAuthenticate = $"Bearer scope=\"{scope}\"";
        return ErrorBodies.PlainAsync(rc.Http, 403, "insufficient scope");
    }

    /// <summary>The /v1/_* catch-all: substrate:admin only.</summary>
    private static bool RequireAdmin(RequestContext rc, out Principal p, out Task denied)
    {
        p = Who(rc);
        denied = Task.CompletedTask;
        if (p.IsAdmin) return true;
        denied = Forbidden(rc, Admin);
        return false;
    }

    /// <summary>The <c>tenant</c> gate; <paramref name="carvedOut"/> refuses member tokens.</summary>
    private static bool RequireTenant(RequestContext rc, bool carvedOut, out Principal p, out Task denied)
    {
        p = Who(rc);
        denied = Task.CompletedTask;
        if (p.HasTenant || (!carvedOut && p.IsMember)) return true;
        denied = Forbidden(rc, TenantScope);
        return false;
    }

    /// <summary>Admins must name the tenant (<c>?tenant=</c>, empty = default); others are held to their own.</summary>
    private static bool ResolveTenant(RequestContext rc, Principal p, out string tenant, out Task denied)
    {
        denied = Task.CompletedTask;
        tenant = p.Tenant;
        if (!p.IsAdmin) return true;
        if (!rc.HasQuery("tenant"))
        {
            denied = ErrorBodies.JsonAsync(rc.Http, 400, "tenant_required", "an admin token must name the tenant: pass ?tenant= (empty for the default tenant)");
            return false;
        }
        tenant = rc.Query("tenant");
        if (tenant.Length == 0) tenant = "default";
        return true;
    }

    private static JsonDocument? ParseBody(RequestContext rc)
    {
        if (GoBody.IsEmpty(rc.Body)) return null;
        try { return JsonDocument.Parse(rc.Body); }
        catch (JsonException) { return null; }
    }

    private static string? Str(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool TryParseTime(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out value) && text.Contains('T');

    // ---- identity, config, discovery ----

    private static Task MeAsync(RequestContext rc)
    {
        Principal p = Who(rc);
        var o = new JsonObject
        {
            ["tenant_id"] = p.Tenant,
            ["subject"] = p.Subject,
            ["scopes"] = GoJson.StringArray(p.Scopes),
            ["is_admin"] = p.IsAdmin,
            ["legacy"] = p.Legacy,
            ["capabilities"] = new JsonObject { ["mcp_allow_dynamic_stdio"] = false, ["http_host_allowlist_configured"] = false },
        };
        if (p.OpenMode) o["open_mode"] = true;
        return Responses.JsonAsync(rc.Http, 200, o);
    }

    private static Task ConfigAsync(RequestContext rc)
    {
        Principal p = Who(rc);
        var o = new JsonObject
        {
            ["generated_at"] = GoJson.Time(DateTimeOffset.UtcNow),
            ["view"] = p.IsAdmin ? "admin" : "authenticated",
            ["instance"] = new JsonObject { ["version"] = rc.Options.Version, ["commit"] = "4292f357" },
            ["features"] = new JsonObject { ["memory"] = true, ["snapshots"] = true, ["channels"] = true },
            ["providers"] = new JsonArray(new JsonObject { ["provider"] = "anthropic", ["active"] = true }, new JsonObject { ["provider"] = "openai", ["active"] = false }),
            ["models"] = new JsonArray(
                new JsonObject { ["provider"] = "anthropic", ["model"] = "claude-haiku", ["tiers"] = GoJson.StringArray(new[] { "fast" }), ["active"] = true, ["selected"] = false },
                new JsonObject { ["provider"] = "anthropic", ["model"] = "claude-sonnet", ["tiers"] = GoJson.StringArray(new[] { "default", "smart" }), ["active"] = true, ["selected"] = true }),
            ["search"] = new JsonArray(new JsonObject { ["provider"] = "brave", ["active"] = true, ["primary"] = true }),
        };
        return Responses.JsonAsync(rc.Http, 200, o);
    }

    private static Task RunnableAsync(RequestContext rc)
    {
        Principal p = Who(rc);
        var agents = new JsonArray();
        foreach (string name in rc.Server.AgentNames.OrderBy(n => n, StringComparer.Ordinal))
            agents.Add(new JsonObject { ["name"] = name, ["source"] = "bundled" });
        if (p.AccessMode != "isolated") agents.Add(new JsonObject { ["name"] = "zz-tenant-helper", ["source"] = "tenant" });
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["agents"] = agents });
    }

    // ---- directory and users ----

    private static Task TenantsAsync(RequestContext rc)
    {
        if (!RequireAdmin(rc, out _, out Task denied)) return denied;
        var rows = rc.State.Agents.GroupBy(a => a.TenantId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (JsonNode)new JsonObject
            {
                ["tenant"] = g.Key,
                ["users"] = g.Where(a => !string.IsNullOrEmpty(a.UserId)).Select(a => a.UserId).Distinct().Count(),
                ["runs"] = g.Count(),
            }).ToArray();
        return Responses.JsonAsync(rc.Http, 200, new JsonObject
        {
            ["tenants"] = new JsonArray(rows),
            ["notes"] = GoJson.StringArray(new[] { "tenants are derived from runs: a tenant with no runs is not listed" }),
        });
    }

    private static Task InspectAsync(RequestContext rc)
    {
        if (!RequireTenant(rc, carvedOut: true, out Principal p, out Task denied)) return denied;
        if (!rc.StoreConfigured) return ErrorBodies.JsonAsync(rc.Http, 503, "store_unavailable", "store not configured");
        if (!ResolveTenant(rc, p, out string tenant, out denied)) return denied;
        string subject = rc["subject"].Trim();
        if (subject.Length == 0) return ErrorBodies.JsonAsync(rc.Http, 400, "missing_subject", "subject is required");
        AgentRecord[] runs = rc.State.Agents.Where(a => a.TenantId == tenant && a.UserId == subject).ToArray();
        var activity = new JsonObject { ["subject"] = subject, ["running_count"] = runs.Count(a => a.Status == "running"), ["total_count"] = runs.Length };
        if (runs.Length > 0) activity["last_started_at"] = GoJson.Time(runs.Max(a => a.StartedAt));
        var memory = new JsonObject { ["user"] = rc.State.Memory.Count(m => m.Scope == "user" && m.ScopeId == subject) };
        var o = new JsonObject
        {
            ["tenant"] = tenant,
            ["subject"] = subject,
            ["activity"] = activity,
            ["chats"] = runs.Select(a => a.SessionId).Distinct().Count(),
            ["memory"] = memory,
        };
        LimitRecord? budget = rc.State.Limits.FirstOrDefault(l => l.TenantId == tenant && l.Scope == "user" && l.ScopeId == subject);
        if (budget is not null)
        {
            var b = new JsonObject();
            if (budget.SoftLimit is long s) b["soft_limit"] = s;
            if (budget.HardLimit is long h) b["hard_limit"] = h;
            o["budget"] = b;
        }
        UsageRecord[] usage = rc.State.Usage.Where(u => u.TenantId == tenant && u.UserId == subject).ToArray();
        o["usage"] = new JsonObject { ["calls"] = usage.Length, ["cost"] = (double)usage.Sum(u => u.Cost) };
        return Responses.JsonAsync(rc.Http, 200, o);
    }

    private static JsonObject UserJson(UserAccountRecord u) => new()
    {
        ["tenant_id"] = u.TenantId,
        ["subject"] = u.Subject,
        ["display_name"] = u.DisplayName,
        ["access_mode"] = u.AccessMode,
        ["status"] = u.Status,
        ["created_at"] = GoJson.Time(u.CreatedAt),
        ["created_by"] = u.CreatedBy,
    };

    private static Task CreateUserAsync(RequestContext rc)
    {
        if (!RequireTenant(rc, carvedOut: true, out Principal p, out Task denied)) return denied;
        if (!rc.StoreConfigured) return ErrorBodies.JsonAsync(rc.Http, 503, "store_unavailable", "store not configured");
        using JsonDocument? doc = ParseBody(rc);
        if (doc is null || doc.RootElement.ValueKind != JsonValueKind.Object) return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_body", "request body must be a JSON object");
        JsonElement b = doc.RootElement;
        string subject = (Str(b, "subject") ?? "").Trim();
        if (subject.Length == 0) return ErrorBodies.JsonAsync(rc.Http, 400, "missing_subject", "subject is required");
        string mode = Str(b, "access_mode") ?? "tenant";
        if (mode is not ("tenant" or "isolated")) return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_access_mode", "access_mode must be tenant or isolated");
        string status = Str(b, "status") ?? "active";
        if (status is not ("active" or "disabled")) return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_status", "status must be active or disabled");
        lock (rc.State.SyncRoot)
        {
            if (rc.State.UserAccounts.Any(u => u.TenantId == p.Tenant && u.Subject == subject))
                return ErrorBodies.JsonAsync(rc.Http, 409, "user_exists", $"user {subject} already exists");
            var user = rc.State.AddUserAccount(new UserAccountRecord { TenantId = p.Tenant, Subject = subject, DisplayName = Str(b, "display_name") ?? "", AccessMode = mode, Status = status, CreatedBy = p.Subject });
            return Responses.JsonAsync(rc.Http, 201, UserJson(user));
        }
    }

    private static UserAccountRecord? FindUser(RequestContext rc, Principal p, string subject) =>
        rc.State.UserAccounts.FirstOrDefault(u => u.TenantId == p.Tenant && u.Subject == subject);

    private static void RetireDelegated(RequestContext rc, string tenant, string subject)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        lock (rc.State.SyncRoot)
            foreach (BearerRecord t in rc.State.Bearers.Where(t => t.Kind == "user" && t.TenantId == tenant && t.Subject == subject && t.RetiredAt is null))
                t.RetiredAt = now;
    }

    private static Task PatchUserAsync(RequestContext rc)
    {
        if (!RequireTenant(rc, carvedOut: true, out Principal p, out Task denied)) return denied;
        if (!rc.StoreConfigured) return ErrorBodies.JsonAsync(rc.Http, 503, "store_unavailable", "store not configured");
        string subject = rc["subject"].Trim();
        using JsonDocument? doc = ParseBody(rc);
        if (doc is null && !GoBody.IsEmpty(rc.Body)) return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_body", "request body must be a JSON object");
        UserAccountRecord? user = FindUser(rc, p, subject);
        if (user is null) return ErrorBodies.JsonAsync(rc.Http, 404, "user_not_found", $"user {subject} not found");
        if (doc is not null)
        {
            JsonElement b = doc.RootElement;
            string? mode = Str(b, "access_mode");
            if (mode is not null and not ("tenant" or "isolated")) return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_access_mode", "access_mode must be tenant or isolated");
            string? status = Str(b, "status");
            if (status is not null and not ("active" or "disabled")) return ErrorBodies.JsonAsync(rc.Http, 400, "invalid_status", "status must be active or disabled");
            if (Str(b, "display_name") is string name) user.DisplayName = name;
            if (mode is not null) user.AccessMode = mode;
            if (status is not null) user.Status = status;
            if (status == "disabled") RetireDelegated(rc, user.TenantId, user.Subject);
        }
        return Responses.JsonAsync(rc.Http, 200, UserJson(user));
    }

    private static Task DeleteUserAsync(RequestContext rc)
    {
        if (!RequireTenant(rc, carvedOut: true, out Principal p, out Task denied)) return denied;
        if (!rc.StoreConfigured) return ErrorBodies.JsonAsync(rc.Http, 503, "store_unavailable", "store not configured");
        string subject = rc["subject"].Trim();
        UserAccountRecord? user = FindUser(rc, p, subject);
        if (user is null) return ErrorBodies.JsonAsync(rc.Http, 404, "user_not_found", $"user {subject} not found");
        RetireDelegated(rc, user.TenantId, user.Subject);
        lock (rc.State.SyncRoot) rc.State.RemoveUserAccount(user);
        return Responses.WriteAsync(rc.Http, 204, null, Array.Empty<byte>());
    }

    // ---- delegated tokens ----

    private static string TokenName(string subject)
    {
        string filtered = new string(subject.Where(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-').ToArray());
        string name = "u-" + filtered;
        return name.Length > 64 ? name[..64] : name;
    }

    private static Task MintAsync(RequestContext rc)
    {
        if (!RequireTenant(rc, carvedOut: true, out Principal p, out Task denied)) return denied;
        if (!rc.StoreConfigured) return ErrorBodies.JsonAsync(rc.Http, 503, "store_unavailable", "store not configured");
        string subject = rc["subject"].Trim();
        UserAccountRecord? user = FindUser(rc, p, subject);
        if (user is null) return ErrorBodies.JsonAsync(rc.Http, 404, "user_not_found", $"user {subject} not found");
        if (user.Status == "disabled") return ErrorBodies.JsonAsync(rc.Http, 409, "user_disabled", $"user {subject} is disabled");
        string[] scopes = user.AccessMode == "isolated" ? new[] { "substrate:user" } : new[] { "runs:create", "runs:read", "channel:publish", "channel:read" };
        string secret = rc.State.MintSecret();
        BearerRecord t = rc.State.AddBearer(new BearerRecord { Secret = secret, Name = TokenName(subject), TenantId = p.Tenant, Subject = subject, Scopes = scopes, Kind = "user" });
        return Responses.JsonAsync(rc.Http, 201, new JsonObject
        {
            ["def_id"] = t.DefId,
            ["token"] = secret,
            ["token_suffix"] = secret.Length > 10 ? secret.Substring(4, 6) : secret,
            ["name"] = t.Name,
            ["scopes"] = GoJson.StringArray(scopes),
            ["created_at"] = GoJson.Time(t.CreatedAt),
            ["warning"] = "store this token now: it is shown only once",
        });
    }

    private static Task ListTokensAsync(RequestContext rc)
    {
        if (!RequireTenant(rc, carvedOut: true, out Principal p, out Task denied)) return denied;
        if (!rc.StoreConfigured) return ErrorBodies.JsonAsync(rc.Http, 503, "store_unavailable", "store not configured");
        string subject = rc["subject"].Trim();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var tokens = new JsonArray();
        foreach (BearerRecord t in rc.State.Bearers.Where(t => t.Kind == "user" && t.TenantId == p.Tenant && t.Subject == subject))
        {
            var o = new JsonObject { ["def_id"] = t.DefId, ["name"] = t.Name, ["scopes"] = GoJson.StringArray(t.Scopes), ["created_at"] = GoJson.Time(t.CreatedAt) };
            if (t.RetiredAt is DateTimeOffset r) o["retired_at"] = GoJson.Time(r);
            o["active"] = t.IsActive(now);
            tokens.Add(o);
        }
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["subject"] = subject, ["tokens"] = tokens });
    }

    private static Task RevokeAsync(RequestContext rc)
    {
        if (!RequireTenant(rc, carvedOut: true, out Principal p, out Task denied)) return denied;
        if (!rc.StoreConfigured) return ErrorBodies.JsonAsync(rc.Http, 503, "store_unavailable", "store not configured");
        string subject = rc["subject"].Trim();
        string defId = rc["def_id"];
        BearerRecord? t = rc.State.Bearers.FirstOrDefault(t => t.Kind == "user" && t.DefId == defId && t.TenantId == p.Tenant && t.Subject == subject);
        if (t is null) return ErrorBodies.JsonAsync(rc.Http, 404, "token_not_found", $"token {defId} not found for subject {subject}");
        t.RetiredAt ??= DateTimeOffset.UtcNow;
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["def_id"] = t.DefId, ["retired_at"] = t.RetiredAt.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture) });
    }

    // ---- operator tokens ----

    private static readonly System.Text.RegularExpressions.Regex OperatorField = new("^[a-zA-Z0-9_-]{1,64}$");

    private static Task Refused(RequestContext rc, string message) =>
        Responses.WriteAsync(rc.Http, 422, "application/json", GoJson.SerializeLine(new JsonObject { ["code"] = "tool_refused", ["error"] = message, ["tool"] = "OperatorTokenDef" }));

    private static JsonObject OperatorRow(BearerRecord t)
    {
        var o = new JsonObject
        {
            ["def_id"] = t.DefId,
            ["name"] = t.Name,
            ["tenant_id"] = t.TenantId,
            ["subject"] = t.Subject,
            ["allowed_scopes"] = GoJson.StringArray(t.Scopes),
            ["created_at"] = GoJson.Time(t.CreatedAt),
            ["created_by_agent_id"] = "",
            ["retired"] = t.RetiredAt is not null, // as the server's: set from the rotation on, through the grace period
        };
        if (t.RotatedFrom is not null) o["rotated_from"] = t.RotatedFrom;
        if (t.RetiredAt is DateTimeOffset at) o["retired_at"] = GoJson.Time(at);
        return o;
    }

    private static Task OperatorTokenAsync(RequestContext rc)
    {
        if (!RequireAdmin(rc, out Principal p, out Task denied)) return denied;
        using JsonDocument? doc = ParseBody(rc);
        if (doc is null || doc.RootElement.ValueKind != JsonValueKind.Object) return ErrorBodies.JsonAsync(rc.Http, 400, "bad_request", "request body must be a JSON object");
        JsonElement b = doc.RootElement;
        string op = Str(b, "op") ?? "";
        string? name = Str(b, "name");
        string? defId = Str(b, "def_id");
        DateTimeOffset now = DateTimeOffset.UtcNow;
        lock (rc.State.SyncRoot)
        {
            BearerRecord[] ops = rc.State.Bearers.Where(t => t.Kind == "operator").ToArray();
            BearerRecord? Target() => defId is { Length: > 0 } ? ops.FirstOrDefault(t => t.DefId == defId) : ops.LastOrDefault(t => t.Name == name && t.IsActive(now));
            switch (op)
            {
                case "create":
                {
                    string tenant = Str(b, "tenant_id") ?? "";
                    if (name is null || !OperatorField.IsMatch(name) || !OperatorField.IsMatch(tenant)) return Refused(rc, "create: name and tenant_id are required and must match [a-zA-Z0-9_-]{1,64}");
                    string subject = Str(b, "subject") ?? "tok-" + name;
                    if (!OperatorField.IsMatch(subject)) return Refused(rc, "create: subject must match [a-zA-Z0-9_-]{1,64}");
                    if (ops.Any(t => t.Name == name && t.IsActive(now))) return Refused(rc, $"create: name {name} already has a live token; use rotate");
                    string[] scopes = b.TryGetProperty("scopes", out JsonElement sc) && sc.ValueKind == JsonValueKind.Array && sc.GetArrayLength() > 0
                        ? sc.EnumerateArray().Select(e => e.GetString() ?? "").ToArray() : new[] { Admin };
                    string secret = rc.State.MintSecret();
                    BearerRecord t = rc.State.AddBearer(new BearerRecord { Secret = secret, Name = name, TenantId = tenant, Subject = subject, Scopes = scopes, Kind = "operator" });
                    JsonObject row = OperatorRow(t);
                    row["token"] = secret;
                    row["token_suffix"] = secret.Length > 10 ? secret.Substring(4, 6) : secret;
                    row["warning"] = "store this token now: it is shown only once";
                    return Responses.JsonAsync(rc.Http, 200, row);
                }
                case "rotate":
                {
                    if (string.IsNullOrEmpty(name) && string.IsNullOrEmpty(defId)) return Refused(rc, "rotate: name or def_id is required");
                    BearerRecord? prior = Target();
                    // As the server's resolveTarget: a name takes its live token, a def_id any row, retired or not.
                    if (prior is null) return Refused(rc, defId is { Length: > 0 } ? $"rotate: def_id \"{defId}\" not found" : $"rotate: no live token for name \"{name}\"");
                    long grace = b.TryGetProperty("grace_seconds", out JsonElement g) && g.ValueKind == JsonValueKind.Number ? g.GetInt64() : 86400;
                    prior.RetiredAt = now.AddSeconds(grace);
                    string secret = rc.State.MintSecret();
                    BearerRecord t = rc.State.AddBearer(new BearerRecord { Secret = secret, Name = prior.Name, TenantId = prior.TenantId, Subject = prior.Subject, Scopes = prior.Scopes, Kind = "operator", RotatedFrom = prior.DefId });
                    JsonObject row = OperatorRow(t);
                    row["token"] = secret;
                    row["token_suffix"] = secret.Length > 10 ? secret.Substring(4, 6) : secret;
                    row["warning"] = "store this token now: it is shown only once";
                    row["prior_retires_at"] = GoJson.Time(prior.RetiredAt);
                    return Responses.JsonAsync(rc.Http, 200, row);
                }
                case "retire":
                {
                    if (string.IsNullOrEmpty(name) && string.IsNullOrEmpty(defId)) return Refused(rc, "retire: name or def_id is required");
                    BearerRecord? target = Target();
                    if (target is null) return Refused(rc, $"retire: {(defId is { Length: > 0 } ? "def_id " + defId : "name " + name)} not found");
                    if (!rc.State.LegacyAdminFallback && target.IsAdmin && ops.Count(t => t.IsAdmin && t.IsActive(now)) <= 1)
                        return Refused(rc, "retire: refusing to retire the last admin-scoped token — with no LOOMCYCLE_AUTH_TOKEN fallback this would drop the server into unauthenticated open mode; create or rotate another substrate:admin token first");
                    target.RetiredAt = now;
                    return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["def_id"] = target.DefId, ["name"] = target.Name, ["retired_at"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture) });
                }
                case "get":
                {
                    if (string.IsNullOrEmpty(defId)) return Refused(rc, "get: missing required field: def_id");
                    BearerRecord? t = ops.FirstOrDefault(t => t.DefId == defId);
                    if (t is null) return Refused(rc, $"get: def_id \"{defId}\" not found");
                    return Responses.JsonAsync(rc.Http, 200, OperatorRow(t));
                }
                case "list":
                {
                    if (string.IsNullOrEmpty(name)) return Refused(rc, "list: missing required field: name");
                    return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["name"] = name, ["tokens"] = new JsonArray(ops.Where(t => t.Name == name).Select(t => (JsonNode)OperatorRow(t)).ToArray()) });
                }
                default:
                    return ErrorBodies.JsonAsync(rc.Http, 400, "bad_request", $"unknown op \"{op}\"");
            }
        }
    }

    private static Task OperatorNamesAsync(RequestContext rc)
    {
        if (!RequireAdmin(rc, out _, out Task denied)) return denied;
        string tenant = rc.Query("tenant");
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var names = rc.State.Bearers.Where(t => t.Kind == "operator" && (tenant.Length == 0 || t.TenantId == tenant))
            .GroupBy(t => t.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (JsonNode)new JsonObject
            {
                ["name"] = g.Key,
                ["tenant_id"] = g.Last().TenantId,
                ["subject"] = g.Last().Subject,
                ["token_count"] = g.Count(),
                ["has_current"] = g.Any(t => t.IsActive(now)),
                ["last_updated"] = GoJson.Time(g.Max(t => t.RetiredAt is DateTimeOffset r && r > t.CreatedAt && r <= now ? r : t.CreatedAt)),
            }).ToArray();
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["names"] = new JsonArray(names) });
    }

    // ---- usage and limits ----

    private static readonly string[] Groups = { "tenant", "user", "provider", "model", "source" };

    private static Task UsageAsync(RequestContext rc)
    {
        if (!RequireTenant(rc, carvedOut: false, out Principal p, out Task denied)) return denied;
        if (!rc.StoreConfigured) return ErrorBodies.JsonAsync(rc.Http, 503, "store_unavailable", "store not configured");
        string groupText = rc.Query("group_by");
        string[] groups = groupText.Length == 0 ? new[] { "tenant", "source" } : groupText.Split(',').Select(g => g.Trim()).ToArray();
        string? bad = groups.FirstOrDefault(g => !Groups.Contains(g));
        if (bad is not null) return ErrorBodies.JsonAsync(rc.Http, 400, "bad_request", $"group_by: unknown dimension \"{bad}\"");
        DateTimeOffset? from = null, to = null;
        if (rc.Query("from") is { Length: > 0 } f) { if (!TryParseTime(f, out DateTimeOffset v)) return ErrorBodies.JsonAsync(rc.Http, 400, "bad_request", "from must be RFC3339"); from = v; }
        if (rc.Query("to") is { Length: > 0 } t) { if (!TryParseTime(t, out DateTimeOffset v)) return ErrorBodies.JsonAsync(rc.Http, 400, "bad_request", "to must be RFC3339"); to = v; }
        string? tenant = p.IsAdmin ? (rc.Query("tenant") is { Length: > 0 } q ? q : null) : p.Tenant;
        var rows = rc.State.Usage
            .Where(u => (tenant is null || u.TenantId == tenant) && (from is null || u.At >= from) && (to is null || u.At <= to))
            .GroupBy(u => string.Join("\u0001",
                groups.Contains("tenant") ? u.TenantId : "", groups.Contains("user") ? u.UserId : "", groups.Contains("provider") ? u.Provider : "",
                groups.Contains("model") ? u.Model : "", groups.Contains("source") ? u.CredentialSource : "", u.Currency))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                UsageRecord first = g.First();
                var o = new JsonObject();
                if (groups.Contains("tenant")) o["tenant_id"] = first.TenantId;
                if (groups.Contains("user")) o["user_id"] = first.UserId;
                if (groups.Contains("provider")) o["provider"] = first.Provider;
                if (groups.Contains("model")) o["model"] = first.Model;
                if (groups.Contains("source")) o["credential_source"] = first.CredentialSource;
                o["input_tokens"] = g.Sum(u => u.InputTokens);
                o["output_tokens"] = g.Sum(u => u.OutputTokens);
                o["cache_creation_tokens"] = g.Sum(u => u.CacheCreationTokens);
                o["cache_read_tokens"] = g.Sum(u => u.CacheReadTokens);
                o["cost"] = (double)g.Sum(u => u.Cost);
                o["currency"] = first.Currency;
                o["call_count"] = g.Count();
                o["unpriced_calls"] = g.Count(u => !u.Priced);
                return (JsonNode)o;
            }).ToArray();
        var body = new JsonObject { ["group_by"] = GoJson.StringArray(groups) };
        if (from is not null) body["from"] = GoJson.Time(from);
        if (to is not null) body["to"] = GoJson.Time(to);
        body["rows"] = new JsonArray(rows);
        return Responses.JsonAsync(rc.Http, 200, body);
    }

    private static JsonObject LimitJson(LimitRecord l)
    {
        var o = new JsonObject { ["tenant_id"] = l.TenantId, ["scope"] = l.Scope };
        if (l.ScopeId.Length > 0) o["scope_id"] = l.ScopeId;
        if (l.SoftLimit is long s) o["soft_limit"] = s;
        if (l.HardLimit is long h) o["hard_limit"] = h;
        o["used"] = l.Used;
        o["updated_at"] = GoJson.Time(l.UpdatedAt);
        if (l.UpdatedBy.Length > 0) o["updated_by"] = l.UpdatedBy;
        return o;
    }

    private static Task ListLimitsAsync(RequestContext rc)
    {
        if (!RequireTenant(rc, carvedOut: false, out Principal p, out Task denied)) return denied;
        if (!rc.StoreConfigured) return ErrorBodies.JsonAsync(rc.Http, 503, "store_unavailable", "store not configured");
        string? tenant = p.IsAdmin ? (rc.Query("tenant") is { Length: > 0 } q ? q : null) : p.Tenant;
        var rows = rc.State.Limits.Where(l => tenant is null || l.TenantId == tenant || l.Scope == "operator" && p.IsAdmin).Select(l => (JsonNode)LimitJson(l)).ToArray();
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["limits"] = new JsonArray(rows) });
    }

    /// <summary>internal/limits/authz.go: operator is admin-only; tenant takes no scope_id; user needs one; no foreign tenant.</summary>
    private static Task? LimitRules(RequestContext rc, Principal p, string scope, string scopeId, ref string tenant)
    {
        if (scope is not ("operator" or "tenant" or "user")) return ErrorBodies.JsonAsync(rc.Http, 400, "bad_request", "scope must be operator, tenant or user");
        if (scope == "operator")
        {
            if (!p.IsAdmin) return ErrorBodies.JsonAsync(rc.Http, 403, "forbidden", "operator budgets are admin-only");
            tenant = "";
            return null;
        }
        if (scope == "tenant" && scopeId.Length > 0) return ErrorBodies.JsonAsync(rc.Http, 400, "bad_request", "scope_id must be empty for scope tenant");
        if (scope == "user" && scopeId.Length == 0) return ErrorBodies.JsonAsync(rc.Http, 400, "bad_request", "scope_id (the subject) is required for scope user");
        if (tenant.Length == 0) tenant = p.Tenant;
        else if (!p.IsAdmin && tenant != p.Tenant) return ErrorBodies.JsonAsync(rc.Http, 403, "forbidden", "cannot set a budget for another tenant");
        return null;
    }

    private static Task PutLimitAsync(RequestContext rc)
    {
        if (!RequireTenant(rc, carvedOut: true, out Principal p, out Task denied)) return denied;
        if (!rc.StoreConfigured) return ErrorBodies.JsonAsync(rc.Http, 503, "store_unavailable", "store not configured");
        if (rc.Body.Length > 4096) return ErrorBodies.JsonAsync(rc.Http, 400, "bad_request", "body too large");
        using JsonDocument? doc = ParseBody(rc);
        if (doc is null || doc.RootElement.ValueKind != JsonValueKind.Object) return ErrorBodies.JsonAsync(rc.Http, 400, "bad_request", "invalid JSON body");
        JsonElement b = doc.RootElement;
        string scope = Str(b, "scope") ?? "";
        string scopeId = Str(b, "scope_id") ?? "";
        string tenant = Str(b, "tenant_id") ?? "";
        if (LimitRules(rc, p, scope, scopeId, ref tenant) is Task refused) return refused;
        long? soft = b.TryGetProperty("soft_limit", out JsonElement s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : null;
        long? hard = b.TryGetProperty("hard_limit", out JsonElement h) && h.ValueKind == JsonValueKind.Number ? h.GetInt64() : null;
        if (soft < 0 || hard < 0) return ErrorBodies.JsonAsync(rc.Http, 400, "bad_request", "limits must not be negative");
        lock (rc.State.SyncRoot)
        {
            LimitRecord? row = rc.State.Limits.FirstOrDefault(l => l.Scope == scope && l.ScopeId == scopeId && (scope == "operator" || l.TenantId == tenant));
            if (row is null) { row = new LimitRecord { TenantId = tenant, Scope = scope, ScopeId = scopeId }; rc.State.AddLimit(row); }
            row.SoftLimit = soft; // full-row upsert: an omitted tier is cleared
            row.HardLimit = hard;
            row.UpdatedAt = DateTimeOffset.UtcNow;
            row.UpdatedBy = p.Subject;
            return Responses.JsonAsync(rc.Http, 200, LimitJson(row));
        }
    }

    private static Task DeleteLimitAsync(RequestContext rc)
    {
        if (!RequireTenant(rc, carvedOut: true, out Principal p, out Task denied)) return denied;
        if (!rc.StoreConfigured) return ErrorBodies.JsonAsync(rc.Http, 503, "store_unavailable", "store not configured");
        string scope = rc.Query("scope");
        string scopeId = rc.Query("scope_id");
        string tenant = rc.Query("tenant");
        if (LimitRules(rc, p, scope, scopeId, ref tenant) is Task refused) return refused;
        lock (rc.State.SyncRoot) rc.State.RemoveLimits(l => l.Scope == scope && l.ScopeId == scopeId && (scope == "operator" || l.TenantId == tenant));
        return Responses.WriteAsync(rc.Http, 204, null, Array.Empty<byte>());
    }

    // ---- erasure ----

    private static (int Runs, int Memory, int Users, int Tokens) Footprint(RequestContext rc, string tenant, string subject) =>
        (rc.State.Agents.Count(a => a.TenantId == tenant && a.UserId == subject),
         rc.State.Memory.Count(m => m.Scope == "user" && m.ScopeId == subject),
         rc.State.UserAccounts.Count(u => u.TenantId == tenant && u.Subject == subject),
         rc.State.Bearers.Count(t => t.Kind == "user" && t.TenantId == tenant && t.Subject == subject));

    private static Task ErasureReportAsync(RequestContext rc)
    {
        if (!RequireTenant(rc, carvedOut: true, out Principal p, out Task denied)) return denied;
        if (!rc.StoreConfigured) return ErrorBodies.JsonAsync(rc.Http, 503, "no_store", "erasure needs a persistent store");
        if (!ResolveTenant(rc, p, out string tenant, out denied)) return denied;
        string subject = rc.Query("subject").Trim();
        if (subject.Length == 0) return ErrorBodies.JsonAsync(rc.Http, 400, "missing_subject", "subject is required");
        var f = Footprint(rc, tenant, subject);
        int usage = rc.State.Usage.Count(u => u.TenantId == tenant && u.UserId == subject);
        return Responses.JsonAsync(rc.Http, 200, new JsonObject
        {
            ["tenant"] = tenant,
            ["subject"] = subject,
            ["tier1_covered"] = new JsonObject { ["counts"] = new JsonObject { ["runs"] = f.Runs, ["memory"] = f.Memory, ["users"] = f.Users, ["user_tokens"] = f.Tokens }, ["total"] = f.Runs + f.Memory + f.Users + f.Tokens },
            ["tier2_uncovered"] = new JsonObject { ["counts"] = new JsonObject { ["usage_ledger"] = usage }, ["total"] = usage },
            ["tier3_residue"] = new JsonObject { ["rows"] = 0, ["scopes"] = new JsonArray(), ["sessions_examined"] = f.Runs, ["truncated"] = false },
            ["notes"] = GoJson.StringArray(new[] { "usage rows are accounting records and are retained" }),
        });
    }

    private static Task ErasureAsync(RequestContext rc)
    {
        if (!RequireTenant(rc, carvedOut: true, out Principal p, out Task denied)) return denied;
        if (!rc.StoreConfigured) return ErrorBodies.JsonAsync(rc.Http, 503, "no_store", "erasure needs a persistent store");
        if (!ResolveTenant(rc, p, out string tenant, out denied)) return denied;
        using JsonDocument? doc = ParseBody(rc);
        if (doc is null || doc.RootElement.ValueKind != JsonValueKind.Object) return ErrorBodies.JsonAsync(rc.Http, 400, "bad_request", "request body must be a JSON object");
        JsonElement b = doc.RootElement;
        string subject = (Str(b, "subject") ?? "").Trim();
        if (subject.Length == 0) return ErrorBodies.JsonAsync(rc.Http, 400, "missing_subject", "subject is required");
        bool dryRun = !(b.TryGetProperty("dry_run", out JsonElement d) && d.ValueKind == JsonValueKind.False);
        if (!dryRun && Str(b, "confirm") != subject) return ErrorBodies.JsonAsync(rc.Http, 400, "confirm_mismatch", "a live erasure needs confirm equal to subject");
        if (!dryRun && !rc.State.AuditSinkConfigured) return ErrorBodies.JsonAsync(rc.Http, 503, "audit_unavailable", "a live erasure needs an audit sink: set LOOMCYCLE_AUDIT_LOG_PATH");
        var f = Footprint(rc, tenant, subject);
        if (!dryRun)
        {
            lock (rc.State.SyncRoot) rc.State.EraseSubject(tenant, subject);
            rc.State.AddAuditEvent("erasure", $"{{\"subject\":{GoJson.Quote(subject)},\"tenant\":{GoJson.Quote(tenant)}}}", tenant);
        }
        return Responses.JsonAsync(rc.Http, 200, new JsonObject
        {
            ["tenant"] = tenant,
            ["subject"] = subject,
            ["dry_run"] = dryRun,
            ["deleted"] = new JsonObject { ["runs"] = f.Runs, ["memory"] = f.Memory, ["users"] = f.Users, ["user_tokens"] = f.Tokens },
            ["retained"] = new JsonObject { ["usage_ledger"] = "retained by design: cost rows are accounting records" },
            ["residue"] = new JsonObject { ["rows"] = 0, ["scopes"] = new JsonArray(), ["sessions_examined"] = f.Runs, ["truncated"] = false },
            ["notes"] = GoJson.StringArray(new[] { dryRun ? "dry run: nothing was deleted" : "persist this result: the residue cannot be traced afterwards" }),
        });
    }

    // ---- audit and observability ----

    private static Task EventsAsync(RequestContext rc)
    {
        if (!RequireTenant(rc, carvedOut: false, out Principal p, out Task denied)) return denied;
        if (!rc.StoreConfigured) return ErrorBodies.JsonAsync(rc.Http, 503, "store_unavailable", "store not configured");
        int limit = 50;
        if (rc.Query("limit") is { Length: > 0 } l && (!int.TryParse(l, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit <= 0))
            return ErrorBodies.JsonAsync(rc.Http, 400, "bad_request", "limit must be a positive integer");
        long offset = 0;
        if (rc.Query("offset") is { Length: > 0 } o && (!long.TryParse(o, NumberStyles.Integer, CultureInfo.InvariantCulture, out offset) || offset < 0))
            return ErrorBodies.JsonAsync(rc.Http, 400, "bad_request", "offset must be a non-negative integer");
        DateTimeOffset? from = null, to = null;
        if (rc.Query("from") is { Length: > 0 } f) { if (!TryParseTime(f, out DateTimeOffset v)) return ErrorBodies.JsonAsync(rc.Http, 400, "bad_request", "from must be RFC3339"); from = v; }
        if (rc.Query("to") is { Length: > 0 } t) { if (!TryParseTime(t, out DateTimeOffset v)) return ErrorBodies.JsonAsync(rc.Http, 400, "bad_request", "to must be RFC3339"); to = v; }
        string type = rc.Query("type");
        string? tenant = p.IsAdmin ? (rc.Query("tenant") is { Length: > 0 } q ? q : null) : p.Tenant;
        AuditRecord[] matching = rc.State.AuditEvents
            .Where(e => (tenant is null || e.TenantId == tenant) && (type.Length == 0 || e.Type == type) && (from is null || e.Timestamp >= from) && (to is null || e.Timestamp <= to))
            .OrderByDescending(e => e.Seq).ToArray();
        int clamped = Math.Min(limit, 500);
        var events = matching.Skip((int)Math.Min(offset, int.MaxValue)).Take(clamped).Select(e => (JsonNode)new JsonObject
        {
            ["seq"] = e.Seq,
            ["session_id"] = e.SessionId,
            ["run_id"] = e.RunId,
            ["timestamp"] = GoJson.Time(e.Timestamp),
            ["type"] = e.Type,
            ["payload"] = GoJson.Raw(e.PayloadJson),
        }).ToArray();
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["events"] = new JsonArray(events), ["total"] = matching.Length, ["limit"] = limit, ["offset"] = offset });
    }

    private static Task ResolverAsync(RequestContext rc)
    {
        if (!RequireAdmin(rc, out _, out Task denied)) return denied;
        string now = GoJson.Time(DateTimeOffset.UtcNow);
        var body = new JsonObject
        {
            ["generated_at"] = now,
            ["providers"] = new JsonObject
            {
                ["anthropic"] = new JsonObject { ["excluded"] = false, ["reachable"] = true, ["models"] = new JsonObject { ["claude-sonnet"] = new JsonObject { ["listed"] = true, ["stalled"] = false } }, ["last_check"] = now },
                ["openai"] = new JsonObject { ["excluded"] = false, ["reachable"] = false, ["models"] = new JsonObject(), ["last_check"] = now, ["last_error"] = "dial tcp: connection refused" },
            },
        };
        // The real server indents this answer.
        byte[] bytes = Encoding.UTF8.GetBytes(body.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return Responses.WriteAsync(rc.Http, 200, "application/json", bytes);
    }

    private static Task RoutingAsync(RequestContext rc)
    {
        if (!RequireTenant(rc, carvedOut: false, out Principal p, out Task denied)) return denied;
        JsonObject Step(string provider, string model, bool primary)
        {
            var s = new JsonObject { ["provider"] = provider, ["model"] = model, ["primary"] = primary };
            if (p.IsAdmin) { s["available"] = provider == "anthropic"; s["selected"] = primary; s["reachable"] = provider == "anthropic"; }
            return s;
        }
        var body = new JsonObject
        {
            ["generated_at"] = GoJson.Time(DateTimeOffset.UtcNow),
            ["admin"] = p.IsAdmin,
            ["user_tiers"] = new JsonArray(
                new JsonObject { ["name"] = "free", ["tiers"] = new JsonArray(new JsonObject { ["tier"] = "default", ["cascade"] = new JsonArray(Step("anthropic", "claude-haiku", true)) }) },
                new JsonObject { ["name"] = "pro", ["tiers"] = new JsonArray(new JsonObject { ["tier"] = "smart", ["cascade"] = new JsonArray(Step("anthropic", "claude-sonnet", true), Step("openai", "gpt-4o", false)) }) }),
        };
        return Responses.JsonAsync(rc.Http, 200, body);
    }

    private static Task ModelsAsync(RequestContext rc)
    {
        if (!RequireTenant(rc, carvedOut: false, out _, out Task denied)) return denied;
        return Responses.JsonAsync(rc.Http, 200, new JsonObject
        {
            ["aliases"] = new JsonObject
            {
                ["fast"] = new JsonObject { ["provider"] = "anthropic", ["model"] = "claude-haiku" },
                ["smart"] = new JsonObject { ["provider"] = "anthropic", ["model"] = "claude-sonnet" },
            },
        });
    }

    private static Task ProviderModelsAsync(RequestContext rc)
    {
        if (!RequireAdmin(rc, out _, out Task denied)) return denied;
        string id = rc["id"];
        if (id != "anthropic") return ErrorBodies.JsonAsync(rc.Http, 404, "provider_unknown", $"provider {id} is not configured");
        return Responses.JsonAsync(rc.Http, 200, new JsonObject
        {
            ["provider"] = id,
            ["fetched_at"] = GoJson.Time(DateTimeOffset.UtcNow),
            ["duration_ms"] = 42,
            ["models"] = GoJson.StringArray(new[] { "claude-haiku", "claude-sonnet", "claude-opus" }),
        });
    }

    private static Task ConcurrencyAsync(RequestContext rc)
    {
        if (!RequireAdmin(rc, out _, out Task denied)) return denied;
        AgentRecord[] running = rc.State.Agents.Where(a => a.Status == "running").ToArray();
        var perUser = new JsonObject();
        foreach (var g in running.Where(a => !string.IsNullOrEmpty(a.UserId)).GroupBy(a => a.UserId!)) perUser[g.Key] = g.Count();
        var body = new JsonObject { ["active"] = running.Length, ["queued"] = 0 };
        if (perUser.Count > 0) body["per_user"] = perUser;
        return Responses.JsonAsync(rc.Http, 200, body);
    }

    /// <summary>metrics_handlers.go: 503 without a code; other errors are JSON text sent by http.Error (text/plain).</summary>
    private static Task? MetricsGate(RequestContext rc)
    {
        if (!RequireAdmin(rc, out _, out Task denied)) return denied;
        if (!rc.State.MetricsEnabled)
            return Responses.WriteAsync(rc.Http, 503, "application/json",
                GoJson.SerializeLine(new JsonObject { ["error"] = "metrics sampler not enabled", ["enable_hint"] = "set LOOMCYCLE_METRICS_ENABLED=1 and restart" }));
        return null;
    }

    private static Task MetricsText(RequestContext rc, int status, string message) =>
        ErrorBodies.PlainAsync(rc.Http, status, Encoding.UTF8.GetString(GoJson.Serialize(new JsonObject { ["error"] = message })));

    private static Task MetricsSummaryAsync(RequestContext rc)
    {
        if (MetricsGate(rc) is Task gate) return gate;
        string period = rc.Query("period");
        if (period.Length == 0) period = "1h";
        if (period is not ("1h" or "24h" or "7d")) return MetricsText(rc, 400, "period must be 1h, 24h or 7d");
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var buckets = Enumerable.Range(0, 3).Select(i => (JsonNode)new JsonObject
        {
            ["at"] = GoJson.Time(now.AddMinutes(-10 * (3 - i))),
            ["mean_rss_bytes"] = 100_000_000 + i * 1_000_000,
            ["max_rss_bytes"] = 120_000_000 + i * 1_000_000,
            ["p95_cpu_pct_x100"] = 1500 + i,
            ["active_runs_max"] = i,
            ["sample_count"] = 60,
        }).ToArray();
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["period"] = period, ["buckets"] = new JsonArray(buckets) });
    }

    private static Task MetricsSamplesAsync(RequestContext rc)
    {
        if (MetricsGate(rc) is Task gate) return gate;
        if (!TryParseTime(rc.Query("since"), out DateTimeOffset since)) return MetricsText(rc, 400, "since is required (RFC3339)");
        int page = 2;
        int start = rc.Query("cursor") is { Length: > 0 } c && int.TryParse(c, out int n) ? n : 0;
        const int total = 5;
        var samples = Enumerable.Range(start, Math.Min(page, total - start)).Select(i => (JsonNode)new JsonObject
        {
            ["sample_id"] = $"smp_{i:x16}{i:x8}",
            ["replica_id"] = "",
            ["sampled_at"] = GoJson.Time(since.AddSeconds(i * 10)),
            ["active_runs"] = i % 2,
            ["queued_runs"] = 0,
            ["loomcycle_rss_bytes"] = 100_000_000 + i,
            ["loomcycle_heap_alloc_bytes"] = 50_000_000,
            ["loomcycle_heap_inuse_bytes"] = 60_000_000,
            ["loomcycle_num_goroutines"] = 40,
            ["loomcycle_cpu_pct_x100"] = 250,
        }).ToArray();
        int next = start + samples.Length;
        return Responses.JsonAsync(rc.Http, 200, new JsonObject { ["samples"] = new JsonArray(samples), ["next_cursor"] = next < total ? next.ToString(CultureInfo.InvariantCulture) : "" });
    }

    private static Task MetricsRunAsync(RequestContext rc)
    {
        if (MetricsGate(rc) is Task gate) return gate;
        string runId = rc["run_id"];
        AgentRecord? run = rc.State.Agents.FirstOrDefault(a => a.RunId == runId);
        if (run is null) return ErrorBodies.PlainAsync(rc.Http, 404, "{\"error\":\"run not found\"}");
        return Responses.JsonAsync(rc.Http, 200, new JsonObject
        {
            ["run_id"] = runId,
            ["started_at"] = GoJson.Time(run.StartedAt),
            ["completed_at"] = GoJson.Time(run.CompletedAt),
            ["sample_count"] = 3,
            ["peak_rss_bytes"] = 130_000_000,
            ["mean_rss_bytes"] = 110_000_000,
            ["max_cpu_pct_x100"] = 4200,
        });
    }

    private static Task RetentionAsync(RequestContext rc)
    {
        if (!RequireTenant(rc, carvedOut: false, out Principal p, out Task denied)) return denied;
        var body = new JsonObject
        {
            ["admin"] = p.IsAdmin,
            ["enabled"] = true,
            ["interval_ms"] = 3_600_000,
            ["defs_mode"] = "keep_last_n",
            ["defs_max_age_ms"] = 0,
            ["defs_keep_last_n"] = 5,
            ["chats_mode"] = "max_age",
            ["chats_max_age_ms"] = 2_592_000_000L,
            ["chats_internal_max_age_ms"] = 604_800_000L,
            ["mem_mode"] = "off",
            ["mem_max_age_ms"] = 0,
            ["mem_content_mode"] = "off",
            ["mem_content_max_age_ms"] = 0,
        };
        if (p.IsAdmin)
        {
            body["export_dir"] = "/var/lib/loomcycle/export";
            body["purgeable"] = new JsonObject { ["chats"] = 12, ["defs"] = 3 };
        }
        return Responses.JsonAsync(rc.Http, 200, body);
    }
}
