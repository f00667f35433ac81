using System.Text.Json.Serialization;

namespace Loomcycle
{
    internal sealed class DefinitionVersionListEnvelope
    {
        public string? Name { get; set; }
        public DefinitionVersion[]? Versions { get; set; }
    }

    internal sealed class DefinitionNamesEnvelope { public DefinitionSummary[]? Names { get; set; } }

    internal sealed class DefinitionLibraryEnvelope { public DefinitionSummary[]? Entries { get; set; } }

    internal sealed class ScheduleListEnvelope { public ScheduleEntry[]? Entries { get; set; } }

    internal sealed class VolumeListEnvelope { public Volume[]? Entries { get; set; } }

    internal sealed class PresetListEnvelope { public Preset[]? Units { get; set; } }

    /// <summary>Source-generated (de)serializers for definitions, schedules, volumes and presets.</summary>
    [JsonSourceGenerationOptions(
        PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString)]
    [JsonSerializable(typeof(DefinitionVersion))]
    [JsonSerializable(typeof(DefinitionVersionListEnvelope))]
    [JsonSerializable(typeof(DefinitionNamesEnvelope))]
    [JsonSerializable(typeof(DefinitionLibraryEnvelope))]
    [JsonSerializable(typeof(DefinitionChange))]
    [JsonSerializable(typeof(DefinitionVerification))]
    [JsonSerializable(typeof(ScheduleListEnvelope))]
    [JsonSerializable(typeof(ScheduleState))]
    [JsonSerializable(typeof(ScheduleControlResult))]
    [JsonSerializable(typeof(VolumeListEnvelope))]
    [JsonSerializable(typeof(PresetListEnvelope))]
    [JsonSerializable(typeof(Preset))]
    internal sealed partial class DefinitionsJsonContext : JsonSerializerContext
    {
    }
}
