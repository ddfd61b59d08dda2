using System.Text.Json.Serialization;
using Ibex.Runtime.Hosting;
using Ibex.Runtime.Reports;

namespace Ibex.Runtime.Checkpoints
{
    /// <summary>Source-generated JSON for checkpoints, saved networks and run reports: no reflection at run time.</summary>
    [JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
        UseStringEnumConverter = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
    [JsonSerializable(typeof(CheckpointMetadata))]
    [JsonSerializable(typeof(SavedNetworkHeader))]
    [JsonSerializable(typeof(RunReport))]
    internal sealed partial class IbexJsonContext : JsonSerializerContext
    {
    }
}
