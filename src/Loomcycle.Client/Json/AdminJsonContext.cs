using System.Text.Json.Serialization;

namespace Loomcycle
{
    /// <summary>Source-generated (de)serializers of the administration routes (issue 11).</summary>
    [JsonSourceGenerationOptions(
        PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString)]
    [JsonSerializable(typeof(Identity))]
    [JsonSerializable(typeof(ServerConfiguration))]
    [JsonSerializable(typeof(RunnableAgentEnvelope))]
    [JsonSerializable(typeof(UserAccount))]
    [JsonSerializable(typeof(UserDirectoryEntry))]
    [JsonSerializable(typeof(TenantEnvelope))]
    [JsonSerializable(typeof(UserToken))]
    [JsonSerializable(typeof(UserTokenEnvelope))]
    [JsonSerializable(typeof(TokenRevocation))]
    [JsonSerializable(typeof(OperatorToken))]
    [JsonSerializable(typeof(OperatorTokenListEnvelope))]
    [JsonSerializable(typeof(OperatorTokenNameEnvelope))]
    [JsonSerializable(typeof(UsageEnvelope))]
    [JsonSerializable(typeof(LimitEnvelope))]
    [JsonSerializable(typeof(BudgetLimit))]
    [JsonSerializable(typeof(ErasureReport))]
    [JsonSerializable(typeof(ErasureResult))]
    [JsonSerializable(typeof(AuditEventPage))]
    [JsonSerializable(typeof(ResolverMatrix))]
    [JsonSerializable(typeof(RoutingView))]
    [JsonSerializable(typeof(ModelAliasEnvelope))]
    [JsonSerializable(typeof(ProviderModelsEnvelope))]
    [JsonSerializable(typeof(ConcurrencyStats))]
    [JsonSerializable(typeof(MetricSummaryEnvelope))]
    [JsonSerializable(typeof(ProcessSamplePage))]
    [JsonSerializable(typeof(RunMetrics))]
    [JsonSerializable(typeof(RetentionPolicy))]
    internal sealed partial class AdminJsonContext : JsonSerializerContext
    {
    }
}
