using System.Text.Json.Serialization;

namespace Loomcycle
{
    /// <summary>Source-generated (de)serializers for the data routes: memory writes and search, feeds, channels, chats.</summary>
    [JsonSourceGenerationOptions(
        PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString)]
    [JsonSerializable(typeof(MemoryWriteResult))]
    [JsonSerializable(typeof(MemorySearchEnvelope))]
    [JsonSerializable(typeof(MemoryEmbeddingStats))]
    [JsonSerializable(typeof(MemoryEmbeddingResult))]
    [JsonSerializable(typeof(ChangeFeedStatus))]
    [JsonSerializable(typeof(MemoryChange))]
    [JsonSerializable(typeof(Channel))]
    [JsonSerializable(typeof(ChannelListEnvelope))]
    [JsonSerializable(typeof(ChannelPublishResult))]
    [JsonSerializable(typeof(ChannelBroadcastEnvelope))]
    [JsonSerializable(typeof(ChannelReadEnvelope))]
    [JsonSerializable(typeof(ChannelAwaitEnvelope))]
    [JsonSerializable(typeof(ChannelPurgeEnvelope))]
    [JsonSerializable(typeof(OkEnvelope))]
    [JsonSerializable(typeof(ChatListEnvelope))]
    [JsonSerializable(typeof(ChatEnvelope))]
    internal sealed partial class DataJsonContext : JsonSerializerContext
    {
    }
}
