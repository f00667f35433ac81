using System;
using System.Text.Json.Serialization;

namespace Loomcycle
{
    /// <summary>The twelve kinds of substrate definition; each has one op-dispatched route <c>POST /v1/_&lt;kind&gt;def</c>.</summary>
    public enum DefinitionKind
    {
        Agent,
        Skill,
        Team,
        McpServer,
        Schedule,
        Webhook,
        A2AAgent,
        A2AServerCard,
        MemoryBackend,
        DocumentSource,
        Volume,
        Credential,
    }

    /// <summary>One version of a definition, as the server returns it (ops create, fork, get, list).</summary>
    public sealed class DefinitionVersion : WireObject
    {
        /// <summary>The kind this version belongs to (not on the wire; set by the module).</summary>
        [JsonIgnore]
        public DefinitionKind Kind { get; internal set; }

        public string DefId { get; set; } = string.Empty;
        public string Name { get; set; } = string.Empty;
        public int Version { get; set; }
        public string? ParentDefId { get; set; }
        public string? Description { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? CreatedAt { get; set; }
        public string? CreatedByAgentId { get; set; }
        public bool Retired { get; set; }
        public bool BootstrappedFromStatic { get; set; }

        [JsonPropertyName("content_sha256")]
        public string? ContentSha256 { get; set; }
        public string? TenantId { get; set; }

        /// <summary>On create and fork: whether the new version became the active one.</summary>
        public bool? Promoted { get; set; }

        /// <summary>On create: the content equalled the active version, so no version was made.</summary>
        public bool? Deduplicated { get; set; }

        /// <summary>The stored definition body, exact JSON text (the DefinitionObject property reads it as objects).</summary>
        [JsonConverter(typeof(RawJsonConverter))]
        public string? Definition { get; set; }

        /// <summary>Whether this version is the name's active one, when the module knows (null otherwise).</summary>
        [JsonIgnore]
        public bool? IsActive { get; internal set; }
    }

    /// <summary>
    /// One definition name with its versions and the active one: a row of <c>GET /v1/_&lt;kind&gt;def/names</c>, of a
    /// library view (<c>GET /v1/_library/*</c>, which also shows static definitions), or of a volume or credential listing.
    /// </summary>
    public sealed class DefinitionSummary : WireObject
    {
        [JsonIgnore]
        public DefinitionKind Kind { get; internal set; }

        public string Name { get; set; } = string.Empty;
        public string? TenantId { get; set; }
        public int VersionCount { get; set; }
        public string? ActiveDefId { get; set; }
        public int? LatestVersion { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? LastUpdated { get; set; }
        public int? LiveVersionCount { get; set; }
        public bool? ActiveRetired { get; set; }

        /// <summary>Library views only: static-only, dynamic-only or both.</summary>
        public string? Source { get; set; }
        public bool? InStatic { get; set; }
        public bool? InSubstrate { get; set; }

        [JsonConverter(typeof(RawJsonConverter))]
        public string? StaticDefinition { get; set; }

        /// <summary>The active version's id under the name the other definition cmdlets bind (-DefId).</summary>
        [JsonIgnore]
        public string? DefId => ActiveDefId;
    }

    /// <summary>What promote, retire or delete did.</summary>
    public sealed class DefinitionChange : WireObject
    {
        [JsonIgnore]
        public DefinitionKind Kind { get; internal set; }

        public string? DefId { get; set; }
        public string? Name { get; set; }
        public bool? Promoted { get; set; }
        public bool? Retired { get; set; }
        public bool? Deleted { get; set; }
        public bool? FilesRemoved { get; set; }
    }

    /// <summary>Op verify: whether a content hash is the active version's.</summary>
    public sealed class DefinitionVerification : WireObject
    {
        [JsonIgnore]
        public DefinitionKind Kind { get; internal set; }

        public string Name { get; set; } = string.Empty;
        public bool Matches { get; set; }
        public bool Deployed { get; set; }

        [JsonPropertyName("current_sha256")]
        public string? CurrentSha256 { get; set; }
        public string? CurrentDefId { get; set; }
        public int Version { get; set; }

        /// <summary>The hash that was checked (not on the wire).</summary>
        [JsonIgnore]
        public string? ContentSha256 { get; internal set; }
    }

    /// <summary>A schedule: a row of <c>GET /v1/_schedules/list-all</c>, with its run state when asked.</summary>
    public sealed class ScheduleEntry : WireObject
    {
        public string Name { get; set; } = string.Empty;
        public string? Source { get; set; }
        public bool InStatic { get; set; }
        public bool InSubstrate { get; set; }
        public int? VersionCount { get; set; }
        public string? ActiveDefId { get; set; }
        public int? LatestVersion { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? LastUpdated { get; set; }

        [JsonConverter(typeof(RawJsonConverter))]
        public string? StaticDefinition { get; set; }

        /// <summary>The active version's id, under the name Start-/Suspend-/Resume-LoomcycleSchedule bind.</summary>
        [JsonIgnore]
        public string? DefId => ActiveDefId;
    }

    /// <summary><c>GET /v1/_schedules/{def_id}/state</c>.</summary>
    public sealed class ScheduleState : WireObject
    {
        public string DefId { get; set; } = string.Empty;

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? LastRunAt { get; set; }
        public string? LastRunId { get; set; }
        public string? LastStatus { get; set; }
        public string? LastError { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? NextRunAt { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? PausedUntil { get; set; }

        /// <summary>True while a pause is in force.</summary>
        [JsonIgnore]
        public bool IsPaused => PausedUntil is DateTimeOffset until && until > DateTimeOffset.UtcNow;
    }

    /// <summary>The answer of run-now, pause and resume.</summary>
    public sealed class ScheduleControlResult : WireObject
    {
        public string DefId { get; set; } = string.Empty;

        /// <summary>run-now: "next-tick".</summary>
        public string? Scheduled { get; set; }
        public bool? Paused { get; set; }
    }

    /// <summary>A volume: <c>GET /v1/_volumes</c> (static and dynamic) or <c>/v1/_volumes/ephemeral</c>.</summary>
    public sealed class Volume : WireObject
    {
        public string Name { get; set; } = string.Empty;

        /// <summary>static, dynamic, or ephemeral (set by the module for the ephemeral listing).</summary>
        public string? Source { get; set; }

        /// <summary>The host path; empty unless the caller is an admin.</summary>
        public string? Path { get; set; }
        public string? Mode { get; set; }
        public bool Default { get; set; }

        /// <summary>True for the operator-blessed parent folder that dynamic volumes are created in.</summary>
        public bool DynamicRoot { get; set; }
        public string? RootRunId { get; set; }

        [JsonConverter(typeof(ZeroTimeAsNullConverter))]
        public DateTimeOffset? CreatedAt { get; set; }
    }

    /// <summary>A preset unit (<c>GET /v1/_presets</c>); <see cref="Yaml"/> is filled when got by name.</summary>
    public sealed class Preset : WireObject
    {
        public string Name { get; set; } = string.Empty;
        public string? Kind { get; set; }
        public string? Description { get; set; }
        public string? Yaml { get; set; }
    }
}
