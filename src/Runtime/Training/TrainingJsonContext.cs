using System.Text.Json.Serialization;

namespace Ibex.Runtime.Training
{
    /// <summary>Source-generated JSON for training checkpoints' metadata: no reflection at run time.</summary>
    [JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
        UseStringEnumConverter = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
    [JsonSerializable(typeof(CheckpointMetadata))]
    internal sealed partial class TrainingJsonContext : JsonSerializerContext
    {
    }
}
