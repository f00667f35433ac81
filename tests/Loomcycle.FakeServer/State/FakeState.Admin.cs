using System;
using System.Collections.Generic;
using System.Linq;

namespace Loomcycle.FakeServer;

/// <summary>A registered user (<c>/v1/_users</c> CRUD).</summary>
public sealed class UserAccountRecord
{
    public string TenantId { get; set; } = "default";
    public string Subject { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string AccessMode { get; set; } = "tenant";
    public string Status { get; set; } = "active";
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public string CreatedBy { get; set; } = "";
}

/// <summary>A bearer the server knows besides the configured token: a delegated user token or an operator token.</summary>
public sealed class BearerRecord
{
    public string DefId { get; set; } = "";
    public string Secret { get; set; } = "";
    public string Name { get; set; } = "";
    public string TenantId { get; set; } = "default";
    public string Subject { get; set; } = "";
    public string[] Scopes { get; set; } = Array.Empty<string>();
    /// <summary><c>user</c> (delegated) or <c>operator</c>.</summary>
    public string Kind { get; set; } = "user";
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? RetiredAt { get; set; }
    public string? RotatedFrom { get; set; }
    public bool IsActive(DateTimeOffset now) => RetiredAt is null || RetiredAt > now;
    public bool IsAdmin => Scopes.Contains("substrate:admin");
}

/// <summary>One priced model call, the raw material of <c>/v1/_usage</c>.</summary>
public sealed class UsageRecord
{
    public string TenantId { get; set; } = "default";
    public string UserId { get; set; } = "";
    public string Provider { get; set; } = "anthropic";
    public string Model { get; set; } = "claude-sonnet";
    public string CredentialSource { get; set; } = "operator";
    public DateTimeOffset At { get; set; } = DateTimeOffset.UtcNow;
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long CacheCreationTokens { get; set; }
    public long CacheReadTokens { get; set; }
    public decimal Cost { get; set; }
    public string Currency { get; set; } = "USD";
    public bool Priced { get; set; } = true;
}

/// <summary>A token budget row.</summary>
public sealed class LimitRecord
{
    public string TenantId { get; set; } = "default";
    public string Scope { get; set; } = "tenant";
    public string ScopeId { get; set; } = "";
    public long? SoftLimit { get; set; }
    public long? HardLimit { get; set; }
    public long Used { get; set; }
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public string UpdatedBy { get; set; } = "";
}

/// <summary>An audit log entry (<c>/v1/_events</c>).</summary>
public sealed class AuditRecord
{
    public long Seq { get; set; }
    public string TenantId { get; set; } = "default";
    public string SessionId { get; set; } = "";
    public string RunId { get; set; } = "";
    public DateTimeOffset Timestamp { get; set; } = DateTimeOffset.UtcNow;
    public string Type { get; set; } = "";
    public string PayloadJson { get; set; } = "{}";
}

public sealed partial class FakeState
{
    private readonly List<UserAccountRecord> _userAccounts = new();
    private readonly List<BearerRecord> _bearers = new();
    private readonly List<UsageRecord> _usage = new();
    private readonly List<LimitRecord> _limits = new();
    private readonly List<AuditRecord> _audit = new();
    private long _auditSeq;

    /// <summary>True: the server has a legacy LOOMCYCLE_AUTH_TOKEN to fall back on, so the last admin token may be retired.</summary>
    public bool LegacyAdminFallback { get; set; } = true;

    /// <summary>When set, every minted token gets this secret (leak tests use it as a canary).</summary>
    public string? FixedMintedSecret { get; set; }

    /// <summary>False: a live erasure answers 503 audit_unavailable.</summary>
    public bool AuditSinkConfigured { get; set; } = true;

    /// <summary>False: the metrics routes answer 503 without a code.</summary>
    public bool MetricsEnabled { get; set; } = true;

    public IReadOnlyList<UserAccountRecord> UserAccounts { get { lock (SyncRoot) return _userAccounts.ToArray(); } }
    public IReadOnlyList<BearerRecord> Bearers { get { lock (SyncRoot) return _bearers.ToArray(); } }
    public IReadOnlyList<LimitRecord> Limits { get { lock (SyncRoot) return _limits.ToArray(); } }
    public IReadOnlyList<UsageRecord> Usage { get { lock (SyncRoot) return _usage.ToArray(); } }
    public IReadOnlyList<AuditRecord> AuditEvents { get { lock (SyncRoot) return _audit.ToArray(); } }

    public UserAccountRecord AddUserAccount(UserAccountRecord user) { lock (SyncRoot) _userAccounts.Add(user); return user; }
    public void AddUsage(UsageRecord usage) { lock (SyncRoot) _usage.Add(usage); }
    public void AddLimit(LimitRecord limit) { lock (SyncRoot) _limits.Add(limit); }

    /// <summary>Adds a bearer the server accepts (for example a tenant-scoped token a test connects with).</summary>
    public BearerRecord AddBearer(BearerRecord bearer)
    {
        if (string.IsNullOrEmpty(bearer.DefId)) bearer.DefId = "def_" + Ids.Hex(8);
        lock (SyncRoot) _bearers.Add(bearer);
        return bearer;
    }

    public AuditRecord AddAuditEvent(string type, string payloadJson, string tenant = "default", DateTimeOffset? at = null, string sessionId = "", string runId = "")
    {
        lock (SyncRoot)
        {
            var e = new AuditRecord { Seq = ++_auditSeq, Type = type, PayloadJson = payloadJson, TenantId = tenant, Timestamp = at ?? DateTimeOffset.UtcNow, SessionId = sessionId, RunId = runId };
            _audit.Add(e);
            return e;
        }
    }

    internal BearerRecord? FindBearer(string secret)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        lock (SyncRoot) return _bearers.FirstOrDefault(b => b.Secret == secret && b.IsActive(now));
    }

    internal string MintSecret() => FixedMintedSecret ?? "lct_" + Ids.Hex(16);

    private void ClearAdmin()
    {
        _userAccounts.Clear();
        _bearers.Clear();
        _usage.Clear();
        _limits.Clear();
        _audit.Clear();
        _auditSeq = 0;
        LegacyAdminFallback = true;
        FixedMintedSecret = null;
        AuditSinkConfigured = true;
        MetricsEnabled = true;
    }
}

public sealed partial class FakeState
{
    internal void RemoveUserAccount(UserAccountRecord user) { lock (SyncRoot) _userAccounts.Remove(user); }

    internal void RemoveLimits(Predicate<LimitRecord> match) { lock (SyncRoot) _limits.RemoveAll(match); }

    /// <summary>A live erasure: the subject's runs, user memory, registration and delegated tokens go; usage stays.</summary>
    internal void EraseSubject(string tenant, string subject)
    {
        lock (SyncRoot)
        {
            _agents.RemoveAll(a => a.TenantId == tenant && a.UserId == subject);
            _memory.RemoveAll(m => m.Scope == "user" && m.ScopeId == subject);
            _userAccounts.RemoveAll(u => u.TenantId == tenant && u.Subject == subject);
            _bearers.RemoveAll(b => b.Kind == "user" && b.TenantId == tenant && b.Subject == subject);
        }
    }
}
