using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Ibex.Examples.PhaseTransition;

/// <summary>Everything the report writes as JSON.</summary>
internal sealed record SweepReport(
    IReadOnlyList<GridResult> Points,
    IReadOnlyList<TransitionSummary> Transition,
    IReadOnlyList<CriterionCheck> Criteria,
    double MemorizationCostDifference);

/// <summary>A result and the grid it belongs to.</summary>
internal sealed record GridResult(string Grid, SweepResult Result);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(SweepResult))]
[JsonSerializable(typeof(SweepReport))]
[JsonSerializable(typeof(SweepJobResult))]
[JsonSerializable(typeof(ArchitectureReport))]
internal sealed partial class SweepJson : JsonSerializerContext
{
}
