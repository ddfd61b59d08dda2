using Ibex.Dsl;
using Ibex.Generators.Parsing;
using Xunit;

namespace Ibex.Generators.Tests.Diagnostics;

/// <summary>The generator names the DSL's types by string; these tests keep the strings and the types in step.</summary>
public sealed class KnownNamesTests
{
    [Fact]
    public void MetadataNamesMatchTheAttributeTypes()
    {
        Assert.Equal(KnownTypeNames.InfoRegularizedAttribute, typeof(InfoRegularizedAttribute).FullName);
        Assert.Equal(KnownTypeNames.InputAttribute, typeof(InputAttribute).FullName);
        Assert.Equal(KnownTypeNames.StochasticAttribute, typeof(StochasticAttribute).FullName);
        Assert.Equal(KnownTypeNames.LayerAttribute, typeof(LayerAttribute).FullName);
        Assert.Equal(KnownTypeNames.DenseAttribute, typeof(DenseAttribute).FullName);
        Assert.Equal(KnownTypeNames.ReLUAttribute, typeof(ReLUAttribute).FullName);
        Assert.Equal(KnownTypeNames.SoftplusAttribute, typeof(SoftplusAttribute).FullName);
        Assert.Equal(KnownTypeNames.TanhAttribute, typeof(TanhAttribute).FullName);
        Assert.Equal(KnownTypeNames.ELUAttribute, typeof(ELUAttribute).FullName);
        Assert.Equal(KnownTypeNames.Layer, typeof(Ibex.Runtime.Layer).FullName);
    }

    [Fact]
    public void ANetworkWithoutAlphaSettingsGetsTheAttributesDefaults()
    {
        var outcome = Ibex.Generators.Tests.Infrastructure.GeneratorHarness.Run(
            "using Ibex.Dsl; using Ibex.Runtime; [InfoRegularized(1)][Input(4)] public partial class N { [Stochastic, Dense(3)] public partial Layer Scores { get; } }");
        var attribute = new InfoRegularizedAttribute(1.0);

        string Number(double value) => value.ToString("0.0##", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"AlphaMax: {Number(attribute.AlphaMax)}, MinLogAlpha: {Number(attribute.MinLogAlpha)}, InitialLogAlpha: {Number(attribute.InitialLogAlpha)}",
            Assert.Single(outcome.GeneratedSources));
    }
}
