using System;
using System.Collections.Generic;
using System.Security;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Loomcycle
{
    /// <summary>GET /v1/_me: who the connection's token is.</summary>
    public sealed class Identity : WireObject
    {
        public string TenantId { get; set; } = string.Empty;
        public string Subject { get; set; } = string.Empty;
        public string[] Scopes { get; set; } = Array.Empty<string>();
        public bool IsAdmin { get; set; }
        public bool Legacy { get; set; }
        public IdentityCapabilities? Capabilities { get; set; }

        /// <summary>True when the server runs without authentication (everyone is admin).</summary>
        public bool OpenMode { get; set; }
    }

    /// <summary>What the server lets this principal do beyond its scopes.</summary>
    public sealed class IdentityCapabilities : WireObject
    {
        public bool McpAllowDynamicStdio { get; set; }
        public bool HttpHostAllowlistConfigured { get; set; }
    }

    /// <summary>GET /v1/config: the instance's version, features, providers and models, as this token may see them.</summary>
    public sealed class ServerConfiguration : WireObject
    {
        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? GeneratedAt { get; set; }

        /// <summary><c>public</c>, <c>authenticated</c> or <c>admin</c>.</summary>
        public string View { get; set; } = string.Empty;
        public ServerInstance? Instance { get; set; }
        public Dictionary<string, JsonElement>? Features { get; set; }
        public ConfiguredProvider[] Providers { get; set; } = Array.Empty<ConfiguredProvider>();
        public ConfiguredModel[] Models { get; set; } = Array.Empty<ConfiguredModel>();
        public ConfiguredSearch[] Search { get; set; } = Array.Empty<ConfiguredSearch>();
    }

    public sealed class ServerInstance : WireObject
    {
        public string Version { get; set; } = string.Empty;
        public string? Commit { get; set; }
        public string? BuildTime { get; set; }
        public string? Url { get; set; }
    }

    public sealed class ConfiguredProvider : WireObject
    {
        public string Provider { get; set; } = string.Empty;
        public bool Active { get; set; }
    }

    public sealed class ConfiguredModel : WireObject
    {
        public string Provider { get; set; } = string.Empty;
        public string Model { get; set; } = string.Empty;
        public string[] Tiers { get; set; } = Array.Empty<string>();
        public bool Active { get; set; }
        public bool Selected { get; set; }
    }

    public sealed class ConfiguredSearch : WireObject
    {
        public string Provider { get; set; } = string.Empty;
        public bool Active { get; set; }
        public bool Primary { get; set; }
    }

    /// <summary>GET /v1/_runnable-agents: an agent this token may run, and where its definition comes from.</summary>
    public sealed class RunnableAgent : WireObject
    {
        public string Name { get; set; } = string.Empty;

        /// <summary><c>bundled</c> or <c>tenant</c>.</summary>
        public string Source { get; set; } = string.Empty;
    }

    /// <summary>A registered user (POST/PATCH /v1/_users).</summary>
    public sealed class UserAccount : WireObject
    {
        public string TenantId { get; set; } = string.Empty;
        public string Subject { get; set; } = string.Empty;
        public string? DisplayName { get; set; }

        /// <summary><c>tenant</c> or <c>isolated</c>.</summary>
        public string AccessMode { get; set; } = string.Empty;

        /// <summary><c>active</c> or <c>disabled</c>.</summary>
        public string Status { get; set; } = string.Empty;

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? CreatedAt { get; set; }
        public string? CreatedBy { get; set; }
    }

    /// <summary>GET /v1/_users/{subject}: one subject's whole footprint.</summary>
    public sealed class UserDirectoryEntry : WireObject
    {
        public string Tenant { get; set; } = string.Empty;
        public string Subject { get; set; } = string.Empty;
        public UserActivity? Activity { get; set; }
        public int Chats { get; set; }

        /// <summary>Rows per memory plane.</summary>
        public Dictionary<string, long>? Memory { get; set; }
        public int? Documents { get; set; }
        public BudgetView? Budget { get; set; }
        public UsageView? Usage { get; set; }

        /// <summary>Planes the server could not read (a failed plane is not an empty one).</summary>
        public string[]? Errors { get; set; }
        public string[]? Notes { get; set; }
    }

    public sealed class UserActivity : WireObject
    {
        public string Subject { get; set; } = string.Empty;
        public int RunningCount { get; set; }
        public int TotalCount { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? LastStartedAt { get; set; }
    }

    /// <summary>Token budget ceilings; null means no ceiling at that tier.</summary>
    public sealed class BudgetView : WireObject
    {
        public long? SoftLimit { get; set; }
        public long? HardLimit { get; set; }
    }

    public sealed class UsageView : WireObject
    {
        public long Calls { get; set; }
        public double Cost { get; set; }
    }

    /// <summary>GET /v1/_tenants: a tenant seen in runs, with its user and run counts.</summary>
    public sealed class TenantSummary : WireObject
    {
        public string Tenant { get; set; } = string.Empty;
        public int Users { get; set; }
        public int Runs { get; set; }
    }

    /// <summary>
    /// A delegated user token. Listings carry no secret; a freshly minted one carries it once, as
    /// <see cref="Token"/> (a SecureString), and as <see cref="PlainTextToken"/> only when asked for.
    /// </summary>
    public sealed class UserToken : WireObject
    {
        public string DefId { get; set; } = string.Empty;
        public string Subject { get; set; } = string.Empty;
        public string Name { get; set; } = string.Empty;
        public string[] Scopes { get; set; } = Array.Empty<string>();

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? CreatedAt { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? RetiredAt { get; set; }
        public bool Active { get; set; }

        /// <summary>The first characters of the secret, to recognise it later; never the secret.</summary>
        public string? TokenSuffix { get; set; }
        public string? Warning { get; set; }

        /// <summary>The minted secret, shown once by the server. Null in listings.</summary>
        [JsonIgnore]
        [JsonPropertyName("-token-secure")]
        public SecureString? Token { get; set; }

        /// <summary>The minted secret as text: set only by -AsPlainText.</summary>
        [JsonIgnore]
        public string? PlainTextToken { get; set; }

        public override string ToString() => DefId;
    }

    /// <summary>DELETE /v1/_users/{subject}/tokens/{def_id} and operator retire: when the token stopped working.</summary>
    public sealed class TokenRevocation : WireObject
    {
        public string DefId { get; set; } = string.Empty;
        public string? Name { get; set; }

        [JsonIgnore]
        public string? Subject { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? RetiredAt { get; set; }
    }

    /// <summary>An operator token row (POST /v1/_operatortokendef). A created or rotated one carries the secret once.</summary>
    public sealed class OperatorToken : WireObject
    {
        public string DefId { get; set; } = string.Empty;
        public string Name { get; set; } = string.Empty;
        public string TenantId { get; set; } = string.Empty;
        public string Subject { get; set; } = string.Empty;
        public string[] AllowedScopes { get; set; } = Array.Empty<string>();

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? CreatedAt { get; set; }
        public string? CreatedByAgentId { get; set; }
        public bool Retired { get; set; }
        public string? RotatedFrom { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? RetiredAt { get; set; }

        /// <summary>After a rotation: when the replaced token stops working.</summary>
        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? PriorRetiresAt { get; set; }
        public bool Imported { get; set; }
        public string? TokenSuffix { get; set; }
        public string? Warning { get; set; }

        /// <summary>The minted secret, shown once by the server. Null except right after create or rotate.</summary>
        [JsonIgnore]
        [JsonPropertyName("-token-secure")]
        public SecureString? Token { get; set; }

        /// <summary>The minted secret as text: set only by -AsPlainText.</summary>
        [JsonIgnore]
        public string? PlainTextToken { get; set; }

        public override string ToString() => DefId;
    }

    /// <summary>GET /v1/_operatortokendef/names: one operator token name and its tokens.</summary>
    public sealed class OperatorTokenName : WireObject
    {
        public string Name { get; set; } = string.Empty;
        public string TenantId { get; set; } = string.Empty;
        public string Subject { get; set; } = string.Empty;
        public int TokenCount { get; set; }
        public bool HasCurrent { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? LastUpdated { get; set; }
    }

    /// <summary>
    /// One row of GET /v1/_usage, flat for Export-Csv: the grouping columns the report was asked for are
    /// filled, the others are empty. Costs are per currency and never summed across currencies;
    /// UnpricedCalls above 0 means Cost is incomplete. Not a WireObject on purpose: a CSV row has fixed columns.
    /// </summary>
    public sealed class UsageRow
    {
        /// <summary>Start of the report window (null: from the beginning).</summary>
        [JsonIgnore]
        public DateTimeOffset? From { get; set; }

        /// <summary>End of the report window (null: until now).</summary>
        [JsonIgnore]
        public DateTimeOffset? To { get; set; }
        public string? TenantId { get; set; }
        public string? UserId { get; set; }
        public string? Provider { get; set; }
        public string? Model { get; set; }
        public string? CredentialSource { get; set; }
        public long InputTokens { get; set; }
        public long OutputTokens { get; set; }
        public long CacheCreationTokens { get; set; }
        public long CacheReadTokens { get; set; }
        public decimal Cost { get; set; }
        public string? Currency { get; set; }
        public long CallCount { get; set; }
        public long UnpricedCalls { get; set; }
    }

    /// <summary>A monthly token budget (GET/PUT /v1/_limits): calendar month, UTC, advisory across replicas.</summary>
    public sealed class BudgetLimit : WireObject
    {
        public string TenantId { get; set; } = string.Empty;

        /// <summary><c>operator</c>, <c>tenant</c> or <c>user</c>.</summary>
        public string Scope { get; set; } = string.Empty;
        public string? ScopeId { get; set; }
        public long? SoftLimit { get; set; }
        public long? HardLimit { get; set; }

        /// <summary>Tokens used this month so far.</summary>
        public long Used { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? UpdatedAt { get; set; }
        public string? UpdatedBy { get; set; }
    }

    /// <summary>GET /v1/_erasure: what the server holds about one subject, by tier.</summary>
    public sealed class ErasureReport : WireObject
    {
        public string Tenant { get; set; } = string.Empty;
        public string Subject { get; set; } = string.Empty;

        [JsonPropertyName("tier1_covered")]
        public ErasureTier? Covered { get; set; }

        [JsonPropertyName("tier2_uncovered")]
        public ErasureTier? Uncovered { get; set; }

        [JsonPropertyName("tier3_residue")]
        public ErasureResidue? Residue { get; set; }
        public string[]? Notes { get; set; }
        public string[]? Errors { get; set; }
    }

    public sealed class ErasureTier : WireObject
    {
        public Dictionary<string, long>? Counts { get; set; }
        public long Total { get; set; }
    }

    /// <summary>What a subject-keyed delete cannot reach. Zero rows over zero sessions examined means unknown, not none.</summary>
    public sealed class ErasureResidue : WireObject
    {
        public int Rows { get; set; }
        public string[]? Scopes { get; set; }
        public int SessionsExamined { get; set; }
        public bool Truncated { get; set; }
    }

    /// <summary>
    /// POST /v1/_erasure: what an erasure did (or would do). Keep it: after a live run the server can no
    /// longer trace the residue. <see cref="Json"/> is the server's answer exactly as sent.
    /// </summary>
    public sealed class ErasureResult : WireObject
    {
        public string Tenant { get; set; } = string.Empty;
        public string Subject { get; set; } = string.Empty;
        public bool DryRun { get; set; }

        /// <summary>Rows deleted per plane; a plane present with 0 was examined and held nothing.</summary>
        public Dictionary<string, long>? Deleted { get; set; }

        /// <summary>Plane → why it was kept.</summary>
        public Dictionary<string, string>? Retained { get; set; }
        public ErasureResidue? Residue { get; set; }
        public string[]? Errors { get; set; }
        public string[]? Notes { get; set; }

        /// <summary>When the answer arrived (UTC).</summary>
        [JsonIgnore]
        public DateTimeOffset? ExecutedAt { get; set; }

        /// <summary>The server that ran it.</summary>
        [JsonIgnore]
        public Uri? Server { get; set; }

        /// <summary>The server's answer, byte for byte as text.</summary>
        [JsonIgnore]
        public string? Json { get; set; }
    }

    /// <summary>One entry of the audit log (GET /v1/_events). <see cref="Payload"/> is the stored event JSON, exact.</summary>
    public sealed class AuditEvent : WireObject
    {
        public long Seq { get; set; }
        public string? SessionId { get; set; }
        public string? RunId { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? Timestamp { get; set; }
        public string Type { get; set; } = string.Empty;

        [JsonConverter(typeof(RawJsonConverter))]
        public string? Payload { get; set; }
    }

    /// <summary>One page of GET /v1/_events.</summary>
    public sealed class AuditEventPage : WireObject
    {
        public AuditEvent[]? Events { get; set; }
        public long Total { get; set; }
        public int Limit { get; set; }
        public long Offset { get; set; }
    }

    /// <summary>A provider as the resolver sees it (GET /v1/_resolver, POST /v1/_resolve/probe).</summary>
    public sealed class ProviderStatus : WireObject
    {
        [JsonIgnore]
        public string Provider { get; set; } = string.Empty;
        public bool Excluded { get; set; }
        public bool Reachable { get; set; }
        public Dictionary<string, ProviderModelStatus>? Models { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? LastCheck { get; set; }
        public string? LastError { get; set; }

        [JsonIgnore]
        public DateTimeOffset? GeneratedAt { get; set; }
    }

    public sealed class ProviderModelStatus : WireObject
    {
        public bool Listed { get; set; }
        public bool Stalled { get; set; }
    }

    public sealed class ResolverMatrix : WireObject
    {
        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? GeneratedAt { get; set; }
        public Dictionary<string, ProviderStatus>? Providers { get; set; }
    }

    /// <summary>One step of a model cascade (GET /v1/_routing), flattened: plan, tier, position.</summary>
    public sealed class RoutingEntry : WireObject
    {
        [JsonIgnore]
        public string Plan { get; set; } = string.Empty;

        [JsonIgnore]
        public string Tier { get; set; } = string.Empty;

        [JsonIgnore]
        public int Position { get; set; }
        public string Provider { get; set; } = string.Empty;
        public string Model { get; set; } = string.Empty;
        public bool Primary { get; set; }
        public bool? Available { get; set; }
        public bool? Selected { get; set; }
        public bool? Stalled { get; set; }
        public bool? RateLimited { get; set; }
        public bool? Reachable { get; set; }
    }

    internal sealed class RoutingView : WireObject
    {
        public RoutingPlan[]? UserTiers { get; set; }
    }

    internal sealed class RoutingPlan : WireObject
    {
        public string Name { get; set; } = string.Empty;
        public RoutingTier[]? Tiers { get; set; }
    }

    internal sealed class RoutingTier : WireObject
    {
        public string Tier { get; set; } = string.Empty;
        public RoutingEntry[]? Cascade { get; set; }
    }

    /// <summary>A model alias (GET /v1/_models) or a model a provider lists live (GET /v1/_providers/{id}/models).</summary>
    public sealed class ModelInfo
    {
        /// <summary>The alias agents use; null for a live provider listing.</summary>
        public string? Alias { get; set; }
        public string Provider { get; set; } = string.Empty;
        public string Model { get; set; } = string.Empty;

        /// <summary>For a live listing: when the provider answered.</summary>
        public DateTimeOffset? FetchedAt { get; set; }
    }

    internal sealed class ModelAliasTarget
    {
        public string Provider { get; set; } = string.Empty;
        public string Model { get; set; } = string.Empty;
    }

    internal sealed class ModelAliasEnvelope
    {
        public Dictionary<string, ModelAliasTarget>? Aliases { get; set; }
    }

    internal sealed class ProviderModelsEnvelope
    {
        public string Provider { get; set; } = string.Empty;

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? FetchedAt { get; set; }
        public long DurationMs { get; set; }
        public string[]? Models { get; set; }
    }

    /// <summary>GET /v1/_concurrency/stats: runs active and queued, per user and per provider.</summary>
    public sealed class ConcurrencyStats : WireObject
    {
        public int Active { get; set; }
        public int Queued { get; set; }
        public Dictionary<string, int>? PerUser { get; set; }
        public Dictionary<string, ProviderSlots>? Providers { get; set; }
    }

    public sealed class ProviderSlots : WireObject
    {
        public int Active { get; set; }
        public int Queued { get; set; }
    }

    /// <summary>One bucket of GET /v1/_metrics/summary.</summary>
    public sealed class MetricBucket : WireObject
    {
        [JsonIgnore]
        public string Period { get; set; } = string.Empty;

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? At { get; set; }
        public long MeanRssBytes { get; set; }
        public long MaxRssBytes { get; set; }
        public int P95CpuPctX100 { get; set; }
        public int ActiveRunsMax { get; set; }
        public int SampleCount { get; set; }
    }

    internal sealed class MetricSummaryEnvelope
    {
        public string Period { get; set; } = string.Empty;
        public MetricBucket[]? Buckets { get; set; }
    }

    /// <summary>One process sample (GET /v1/_metrics/samples).</summary>
    public sealed class ProcessSample : WireObject
    {
        public string SampleId { get; set; } = string.Empty;
        public string? ReplicaId { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? SampledAt { get; set; }
        public int ActiveRuns { get; set; }
        public int QueuedRuns { get; set; }
        public long LoomcycleRssBytes { get; set; }
        public long LoomcycleHeapAllocBytes { get; set; }
        public long LoomcycleHeapInuseBytes { get; set; }
        public int LoomcycleNumGoroutines { get; set; }
        public int LoomcycleCpuPctX100 { get; set; }
        public int? SystemCpuPctX100 { get; set; }
        public int? SystemMemUsedMb { get; set; }
        public int? SystemMemAvailableMb { get; set; }
    }

    internal sealed class ProcessSamplePage
    {
        public ProcessSample[]? Samples { get; set; }
        public string? NextCursor { get; set; }
    }

    /// <summary>GET /v1/_metrics/runs/{run_id}: resource use over one run's lifetime.</summary>
    public sealed class RunMetrics : WireObject
    {
        public string RunId { get; set; } = string.Empty;

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? StartedAt { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? CompletedAt { get; set; }
        public int SampleCount { get; set; }
        public long PeakRssBytes { get; set; }
        public long MeanRssBytes { get; set; }
        public int MaxCpuPctX100 { get; set; }
    }

    /// <summary>GET /v1/_retention: the data-retention settings (purgeable counts and GC only for admin).</summary>
    public sealed class RetentionPolicy : WireObject
    {
        public bool Admin { get; set; }
        public bool Enabled { get; set; }
        public long IntervalMs { get; set; }
        public string? DefsMode { get; set; }
        public long DefsMaxAgeMs { get; set; }
        public int DefsKeepLastN { get; set; }
        public string? ChatsMode { get; set; }
        public long ChatsMaxAgeMs { get; set; }
        public long ChatsInternalMaxAgeMs { get; set; }
        public string? MemMode { get; set; }
        public long MemMaxAgeMs { get; set; }
        public string? MemContentMode { get; set; }
        public long MemContentMaxAgeMs { get; set; }
        public string? ExportDir { get; set; }
        public Dictionary<string, JsonElement>? Purgeable { get; set; }

        [JsonPropertyName("sqlmem_gc")]
        public Dictionary<string, JsonElement>? SqlmemGc { get; set; }
    }

    internal sealed class RunnableAgentEnvelope
    {
        public RunnableAgent[]? Agents { get; set; }
    }

    internal sealed class TenantEnvelope
    {
        public TenantSummary[]? Tenants { get; set; }
        public string[]? Notes { get; set; }
    }

    internal sealed class UserTokenEnvelope
    {
        public string Subject { get; set; } = string.Empty;
        public UserToken[]? Tokens { get; set; }
    }

    internal sealed class OperatorTokenListEnvelope
    {
        public string Name { get; set; } = string.Empty;
        public OperatorToken[]? Tokens { get; set; }
    }

    internal sealed class OperatorTokenNameEnvelope
    {
        public OperatorTokenName[]? Names { get; set; }
    }

    internal sealed class UsageEnvelope
    {
        public string[]? GroupBy { get; set; }
        public string? From { get; set; }
        public string? To { get; set; }
        public UsageRow[]? Rows { get; set; }
    }

    internal sealed class LimitEnvelope
    {
        public BudgetLimit[]? Limits { get; set; }
    }
}
