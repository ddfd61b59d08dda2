using System.Linq;
using Ibex.Generators.Tests.Infrastructure;
using Xunit;

namespace Ibex.Generators.Tests.Diagnostics;

/// <summary>
/// Layers named after every identifier the emitter writes (its locals, the Module members it reads, the Scalars it
/// declares) and after each other's generated names, under every noise option, still give code that compiles.
/// </summary>
public sealed class NameCollisionTests
{
    public static TheoryData<string, string> Options()
    {
        var data = new TheoryData<string, string>();
        foreach (string noise in new[] { "NoiseFamily.LogNormal", "NoiseFamily.Gaussian" })
        {
            foreach (string sharing in new[] { "AlphaSharing.PerWeight", "AlphaSharing.PerUnit" })
            {
                data.Add(noise, sharing);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void ADenseNetworkWithLayersNamedLikeGeneratedIdentifiersCompiles(string noise, string sharing)
        => AssertCompiles($$"""
            using Ibex.Dsl;
            using Ibex.Runtime;

            namespace Collisions;

            [InfoRegularized(1, Noise = {{noise}}, AlphaSharing = {{sharing}})]
            [Input(8)]
            public partial class DenseCollisions
            {
                [Stochastic, Dense(8)] public partial Layer training { get; }
                [Stochastic, ReLU] public partial Layer X { get; }
                [Stochastic, Dense(8)] public partial Layer Fc { get; }
                [Stochastic, Softplus] public partial Layer XLog { get; }
                [Stochastic, Dense(8)] public partial Layer FcWeight { get; }
                [ReLU] public partial Layer Min { get; }
                [Stochastic, Dense(8)] public partial Layer information { get; }
                [Stochastic, Dense(8)] public partial Layer input { get; }
                [Stochastic, Dense(8)] public partial Layer one { get; }
                [Stochastic, Dense(8)] public partial Layer minLogAlpha { get; }
                [Stochastic, Dense(8)] public partial Layer logAlphaMax { get; }
                [Stochastic, Dense(8)] public partial Layer gaussianMaxLogAlpha { get; }
                [Stochastic, Dense(8)] public partial Layer Hidden { get; }
                [Stochastic, Dense(8)] public partial Layer Hidden_mean { get; }
                [Residual("Hidden")] public partial Layer Hidden_output { get; }
                [Stochastic, Dense(8)] public partial Layer Mean { get; }
                [Stochastic, Dense(8)] public partial Layer Variance { get; }
                [Stochastic, Dense(3)] public partial Layer WeightVariance { get; }
            }
            """);

    [Theory]
    [MemberData(nameof(Options))]
    public void AConvolutionNetworkWithLayersNamedLikeGeneratedIdentifiersCompiles(string noise, string sharing)
        => AssertCompiles($$"""
            using Ibex.Dsl;
            using Ibex.Runtime;

            namespace Collisions;

            [InfoRegularized(1, Noise = {{noise}}, AlphaSharing = {{sharing}})]
            [Input(1, 8, 8)]
            public partial class ConvolutionCollisions
            {
                [Stochastic, Conv2d(4, 3, Padding = 1)] public partial Layer training { get; }
                [Stochastic, ReLU] public partial Layer X { get; }
                [Stochastic, Conv2d(4, 3, Padding = 1)] public partial Layer Fc { get; }
                [Stochastic, Softplus] public partial Layer XLog { get; }
                [Residual("Fc")] public partial Layer Fc_output { get; }
                [Stochastic, Conv2d(4, 1)] public partial Layer Min { get; }
                [Stochastic, Conv2d(4, 1)] public partial Layer x_alpha { get; }
                [Flatten] public partial Layer information { get; }
                [Stochastic, Dense(3)] public partial Layer FcWeight { get; }
            }
            """);

    [Theory]
    [InlineData("partial")]
    [InlineData("record")]
    [InlineData("@class")]
    public void ANetworkNamedLikeAKeywordCompiles(string name)
        => AssertCompiles($$"""
            using Ibex.Dsl;
            using Ibex.Runtime;

            namespace Collisions;

            [InfoRegularized(1)]
            [Input(4)]
            public partial class {{name}}
            {
                [Stochastic, Dense(3)] public partial Layer Scores { get; }
            }
            """);

    private static void AssertCompiles(string declaration)
    {
        var outcome = GeneratorHarness.Run(declaration);

        Assert.Null(outcome.GeneratorException);
        Assert.Empty(outcome.GeneratorDiagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
        Assert.Empty(outcome.CompilationErrors);
    }
}
