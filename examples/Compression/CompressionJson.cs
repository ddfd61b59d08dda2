using System.Text.Json.Serialization;

namespace Ibex.Examples.Compression;

/// <summary>row.json of a compression run.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(CompressionRow))]
internal sealed partial class CompressionJson : JsonSerializerContext
{
}
