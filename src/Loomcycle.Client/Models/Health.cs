using System;

namespace Loomcycle
{
    /// <summary>GET /healthz. Older servers send only <c>ok</c>; everything else is optional.</summary>
    public sealed class Health : WireObject
    {
        public bool Ok { get; set; }
        public string? Version { get; set; }
        public string? Commit { get; set; }
        public string? Built { get; set; }
        public long? UptimeSeconds { get; set; }
        public bool? MetricsEnabled { get; set; }
        public string? ReplicaId { get; set; }

        /// <summary>The server that answered.</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public Uri? BaseUri { get; internal set; }

        [System.Text.Json.Serialization.JsonIgnore]
        public TimeSpan? Uptime => UptimeSeconds is long s ? TimeSpan.FromSeconds(s) : null;
    }

    /// <summary>A user known to the server (GET /v1/_users).</summary>
    public sealed class User : WireObject
    {
        public string UserId { get; set; } = string.Empty;
        public int RunningCount { get; set; }
        public int TotalCount { get; set; }

        [System.Text.Json.Serialization.JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? LastStartedAt { get; set; }
        public bool? Registered { get; set; }
        public string? DisplayName { get; set; }
        public string? AccessMode { get; set; }
        public string? Status { get; set; }
    }
}
