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
    public void GeneratorDefaultsMatchTheAttributeDefaults()
    {
        var attribute = new InfoRegularizedAttribute(1.0);
        Assert.Equal(InfoRegularizedDefaults.AlphaMax, attribute.AlphaMax);
        Assert.Equal(InfoRegularizedDefaults.MinLogAlpha, attribute.MinLogAlpha);
        Assert.Equal(InfoRegularizedDefaults.InitialLogAlpha, attribute.InitialLogAlpha);
        Assert.Equal(InfoRegularizedDefaults.AlphaMax, InfoRegularizedAttribute.DefaultAlphaMax);
    }
}
