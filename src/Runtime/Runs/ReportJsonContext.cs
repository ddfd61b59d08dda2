using System.Text.Json.Serialization;

namespace Ibex.Runtime.Runs
{
    /// <summary>Source-generated JSON for the hosted run's report.json: no reflection at run time.</summary>
    [JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
        UseStringEnumConverter = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
    [JsonSerializable(typeof(RunReport))]
    internal sealed partial class ReportJsonContext : JsonSerializerContext
    {
    }
}
