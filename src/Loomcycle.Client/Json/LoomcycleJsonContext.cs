using System.Text.Json.Serialization;

namespace Loomcycle
{
    /// <summary>Source-generated (de)serializers: no reflection at run time, fast on the event hot path.</summary>
    [JsonSourceGenerationOptions(
        PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString)]
    [JsonSerializable(typeof(RunEvent))]
    [JsonSerializable(typeof(Agent))]
    [JsonSerializable(typeof(AgentListEnvelope))]
    [JsonSerializable(typeof(CancelAgentResult))]
    [JsonSerializable(typeof(Transcript))]
    [JsonSerializable(typeof(Health))]
    [JsonSerializable(typeof(UserListEnvelope))]
    [JsonSerializable(typeof(RuntimeState))]
    [JsonSerializable(typeof(PauseResult))]
    [JsonSerializable(typeof(ResumeResult))]
    [JsonSerializable(typeof(Snapshot))]
    [JsonSerializable(typeof(SnapshotListEnvelope))]
    [JsonSerializable(typeof(SnapshotRestoreResult))]
    [JsonSerializable(typeof(MemoryScopeListEnvelope))]
    [JsonSerializable(typeof(MemoryScopeIdListEnvelope))]
    [JsonSerializable(typeof(MemoryEntryListEnvelope))]
    [JsonSerializable(typeof(MemoryEntryEnvelope))]
    [JsonSerializable(typeof(InterruptListEnvelope))]
    [JsonSerializable(typeof(InterruptResolution))]
    [JsonSerializable(typeof(HookListEnvelope))]
    [JsonSerializable(typeof(HookRegisteredEnvelope))]
    internal sealed partial class LoomcycleJsonContext : JsonSerializerContext
    {
    }
}
