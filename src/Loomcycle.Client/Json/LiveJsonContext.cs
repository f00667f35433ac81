using System.Text.Json.Serialization;

namespace Loomcycle
{
    /// <summary>Source-generated (de)serializers for the live-run routes (run-state stream, interactive control, batch, replay, resident).</summary>
    [JsonSourceGenerationOptions(
        PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString)]
    [JsonSerializable(typeof(RunState))]
    [JsonSerializable(typeof(RunStateStreamOpen))]
    [JsonSerializable(typeof(RunInputResult))]
    [JsonSerializable(typeof(TurnCancelResult))]
    [JsonSerializable(typeof(CompactResult))]
    [JsonSerializable(typeof(SessionReplayResult))]
    [JsonSerializable(typeof(ResidentListEnvelope))]
    [JsonSerializable(typeof(ResidentStopResult))]
    [JsonSerializable(typeof(BatchEnvelope))]
    internal sealed partial class LiveJsonContext : JsonSerializerContext
    {
    }
}
