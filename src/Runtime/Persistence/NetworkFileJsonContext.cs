using System.Text.Json.Serialization;

namespace Ibex.Runtime.Persistence
{
    /// <summary>Source-generated JSON for saved networks: no reflection at run time.</summary>
    [JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
        UseStringEnumConverter = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
    [JsonSerializable(typeof(SavedNetworkHeader))]
    [JsonSerializable(typeof(SavedPrediction))]
    internal sealed partial class NetworkFileJsonContext : JsonSerializerContext
    {
    }
}
