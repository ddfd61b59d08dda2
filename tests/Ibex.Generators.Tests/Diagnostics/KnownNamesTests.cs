using System;
using System.Linq;
using Ibex.Dsl;
using Ibex.Generators.Layers;
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
        Assert.Equal(KnownTypeNames.Layer, typeof(Ibex.Runtime.Layer).FullName);
    }

    [Fact]
    public void EveryLayerAttributeHasExactlyOneRule()
    {
        var attributes = typeof(DenseAttribute).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(LayerAttribute)) && !t.IsAbstract)
            .Select(t => t.FullName!)
            .OrderBy(n => n, StringComparer.Ordinal);

        Assert.Equal(attributes, LayerRules.All.Select(r => r.AttributeMetadataName).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal(LayerRules.All.Count, LayerRules.All.Select(r => r.Name).Distinct().Count());
    }

    [Fact]
    public void TheDidYouMeanListHoldsEveryLayerAttributeAndStochastic()
    {
        var expected = typeof(DenseAttribute).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(LayerAttribute)) && !t.IsAbstract)
            .Select(t => t.Name.Substring(0, t.Name.Length - "Attribute".Length))
            .Append(nameof(StochasticAttribute).Substring(0, nameof(StochasticAttribute).Length - "Attribute".Length));

        Assert.Equal(expected.OrderBy(n => n, StringComparer.Ordinal), LayerRules.AttributeNames.OrderBy(n => n, StringComparer.Ordinal));
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
