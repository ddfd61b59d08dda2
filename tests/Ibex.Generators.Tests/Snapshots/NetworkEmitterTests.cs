using System.IO;
using System.Linq;
using ApprovalTests;
using ApprovalTests.Reporters;
using Ibex.Generators.Tests.Infrastructure;
using Xunit;

namespace Ibex.Generators.Tests.Snapshots;

[UseReporter(typeof(QuietReporter))]
public sealed class NetworkEmitterTests
{
    [Fact]
    public void FashionMnistExample()
    {
        string declaration = File.ReadAllText(Path.Combine(GeneratorHarness.RepositoryRoot(), "examples", "FashionMnist", "FashionMlp.cs"));

        var outcome = GeneratorHarness.Run(declaration);

        Assert.Null(outcome.GeneratorException);
        Assert.Empty(outcome.GeneratorDiagnostics);
        Assert.Empty(outcome.CompilationErrors);
        Approvals.VerifyWithExtension(outcome.GeneratedSources.Single(), ".cs", Scrubbers.ScrubGeneratorVersion);
    }

    [Fact]
    public void DeterministicLayersActivationsAndGlobalNamespace()
    {
        const string declaration = """
            using Ibex.Dsl;
            using Ibex.Runtime;

            [InfoRegularized(0.5, AlphaMax = 2.0, MinLogAlpha = -8, InitialLogAlpha = -4)]
            [Input(32)]
            internal partial class MixedNetwork
            {
                [Dense(64, Bias = false)] internal partial Layer Embed { get; }
                [Tanh] internal partial Layer Squash { get; }
                [Stochastic(InitialLogAlpha = -3), Dense(16)] internal partial Layer Hidden { get; }
                [Softplus] private partial Layer Smooth { get; }
                [ELU(Alpha = 0.5)] partial Layer Bend { get; }
                [Dense(3)] public partial Layer Scores { get; }
            }
            """;

        var outcome = GeneratorHarness.Run(declaration);

        Assert.Null(outcome.GeneratorException);
        Assert.Empty(outcome.GeneratorDiagnostics);
        Assert.Empty(outcome.CompilationErrors);
        Approvals.VerifyWithExtension(outcome.GeneratedSources.Single(), ".cs", Scrubbers.ScrubGeneratorVersion);
    }

    [Fact]
    public void ConvolutionsPoolingAndFlatten()
        => VerifyGenerated("""
            using Ibex.Dsl;
            using Ibex.Runtime;

            namespace Snapshots;

            [InfoRegularized(0.1)]
            [Input(3, 16, 16)]
            public partial class ConvNetwork
            {
                [Stochastic, Conv2d(8, 3, Padding = 1)] public partial Layer Stem { get; }
                [ReLU] public partial Layer Rectify { get; }
                [MaxPool2d(2)] public partial Layer Pool { get; }
                [Conv2d(16, 3, Stride = 2, Bias = false)] public partial Layer Reduce { get; }
                [AvgPool2d(2, Stride = 1)] public partial Layer Smooth { get; }
                [Flatten] public partial Layer Features { get; }
                [Stochastic, Dense(10)] public partial Layer Scores { get; }
            }
            """);

    [Fact]
    public void DilatedAndGroupedConvolutionsProjectionShortcutsLayerNormAndNewerActivations()
        => VerifyGenerated("""
            using Ibex.Dsl;
            using Ibex.Runtime;

            namespace Snapshots;

            [InfoRegularized(0.1)]
            [Input(4, 16, 16)]
            public partial class ModernBlocks
            {
                [Stochastic, Conv2d(8, 3, Padding = 2, Dilation = 2)] public partial Layer Stem { get; }
                [LayerNorm] public partial Layer StemNorm { get; }
                [LeakyReLU(0.1)] public partial Layer StemAct { get; }
                [Stochastic(AlphaSharing = AlphaSharing.PerUnit), Conv2d(16, 3, Stride = 2, Padding = 1, Groups = 4)] public partial Layer Down { get; }
                [GELU] public partial Layer DownAct { get; }
                [Residual(nameof(StemAct), Projection = true)] public partial Layer Shortcut { get; }
                [GlobalAvgPool] public partial Layer Pool { get; }
                [Dense(24)] public partial Layer Hidden { get; }
                [LayerNorm(Epsilon = 1e-6)] public partial Layer HiddenNorm { get; }
                [SiLU] public partial Layer HiddenAct { get; }
                [Residual(nameof(Pool), Projection = true)] public partial Layer Widen { get; }
                [LeakyReLU] public partial Layer Leak { get; }
                [Stochastic, Dense(10)] public partial Layer Scores { get; }
            }
            """);

    [Fact]
    public void BatchNormDropoutSigmoidIdentityAndResidual()
        => VerifyGenerated("""
            using Ibex.Dsl;
            using Ibex.Runtime;

            namespace Snapshots;

            [InfoRegularized(1)]
            [Input(20)]
            public partial class FlatBlocks
            {
                [Identity] public partial Layer Start { get; }
                [Stochastic, Dense(20)] public partial Layer Inner { get; }
                [BatchNorm(Momentum = 0.05, Epsilon = 1e-3)] public partial Layer Norm { get; }
                [Sigmoid] public partial Layer Gate { get; }
                [Dropout(0.3)] public partial Layer Drop { get; }
                [Residual(nameof(Start))] public partial Layer Skip { get; }
                [Stochastic, Dense(4)] public partial Layer Scores { get; }
            }
            """);

    [Fact]
    public void ResidualConvolutionBlockEndingInGlobalAveragePooling()
        => VerifyGenerated("""
            using Ibex.Dsl;
            using Ibex.Runtime;

            namespace Snapshots;

            [InfoRegularized(1)]
            [Input(1, 8, 8)]
            public partial class AllConvolutional
            {
                [Stochastic, Conv2d(6, 3, Padding = 1)] public partial Layer Stem { get; }
                [ReLU] public partial Layer StemActivation { get; }
                [Stochastic, Conv2d(6, 3, Padding = 1)] public partial Layer Block { get; }
                [BatchNorm] public partial Layer BlockNorm { get; }
                [Residual(nameof(StemActivation))] public partial Layer Shortcut { get; }
                [Stochastic, Conv2d(5, 1)] public partial Layer ClassMaps { get; }
                [GlobalAvgPool] public partial Layer Scores { get; }
            }
            """);

    [Fact]
    public void InformationDropoutOnReLUAndSoftplus()
        => VerifyGenerated("""
            using Ibex.Dsl;
            using Ibex.Runtime;

            namespace Snapshots;

            [InfoRegularized(3)]
            [Input(1, 12, 12)]
            public partial class DropoutNetwork
            {
                [Conv2d(4, 3, Stride = 2)] public partial Layer Convolve { get; }
                [BatchNorm] public partial Layer Norm { get; }
                [Stochastic(AlphaMax = 1.0), Softplus] public partial Layer Smooth { get; }
                [Flatten] public partial Layer Features { get; }
                [Stochastic, Dense(12)] public partial Layer Hidden { get; }
                [Stochastic, ReLU] public partial Layer Rectify { get; }
                [Dense(3)] public partial Layer Scores { get; }
            }
            """);

    [Fact]
    public void GaussianLikelihoodWithALearnedNoiseVariance()
        => VerifyGenerated("""
            using Ibex.Dsl;
            using Ibex.Runtime;

            namespace Snapshots;

            [InfoRegularized(0.1, Likelihood = Likelihood.Gaussian)]
            [Input(3)]
            public partial class Regressor
            {
                [Stochastic, Dense(8)] public partial Layer Hidden { get; }
                [Tanh] public partial Layer Squash { get; }
                [Stochastic, Dense(2)] public partial Layer Means { get; }
            }
            """);

    [Fact]
    public void GaussianNoiseAndPerUnitAlpha()
        => VerifyGenerated("""
            using Ibex.Dsl;
            using Ibex.Runtime;

            namespace Snapshots;

            [InfoRegularized(1, Noise = NoiseFamily.Gaussian, AlphaSharing = AlphaSharing.PerUnit)]
            [Input(1, 6, 6)]
            public partial class SparseNetwork
            {
                [Stochastic, Conv2d(4, 3)] public partial Layer Convolve { get; }
                [Flatten] public partial Layer Features { get; }
                [Stochastic(AlphaSharing = AlphaSharing.PerWeight), Dense(8)] public partial Layer Hidden { get; }
                [Tanh] public partial Layer Squash { get; }
                [Stochastic(Noise = NoiseFamily.LogNormal, InitialLogAlpha = -2), Dense(3)] public partial Layer Scores { get; }
            }
            """);

    [Fact]
    public void PReLUWithSlopesPerChannelAndPerUnit()
        => VerifyGenerated("""
            using Ibex.Dsl;
            using Ibex.Runtime;

            namespace Snapshots;

            [InfoRegularized(0.1)]
            [Input(3, 8, 8)]
            public partial class LearnedSlopes
            {
                [Stochastic, Conv2d(4, 3)] public partial Layer Stem { get; }
                [PReLU] public partial Layer StemSlopes { get; }
                [Flatten] public partial Layer Features { get; }
                [Stochastic, Dense(12)] public partial Layer Hidden { get; }
                [PReLU(InitialSlope = 0.1)] public partial Layer HiddenSlopes { get; }
                [Stochastic, Dense(10)] public partial Layer Scores { get; }
            }
            """);

    [Fact]
    public void ImageBatchNormTakesTheReLUAfterItInTraining()
        => VerifyGenerated("""
            using Ibex.Dsl;
            using Ibex.Runtime;

            namespace Snapshots;

            [InfoRegularized(1)]
            [Input(2, 8, 8)]
            public partial class NormalizedConvolutions
            {
                [Stochastic, Conv2d(4, 3, Padding = 1)] public partial Layer Stem { get; }
                [BatchNorm] public partial Layer StemNorm { get; }
                [ReLU] public partial Layer StemActivation { get; }
                [Stochastic, Conv2d(4, 3, Padding = 1)] public partial Layer Block { get; }
                [BatchNorm] public partial Layer BlockNorm { get; }
                [ReLU] public partial Layer BlockActivation { get; }
                [Stochastic, Conv2d(4, 3, Padding = 1)] public partial Layer Mix { get; }
                [Residual(nameof(BlockNorm))] public partial Layer Shortcut { get; }
                [Flatten] public partial Layer Features { get; }
                [Stochastic, Dense(8)] public partial Layer Hidden { get; }
                [BatchNorm] public partial Layer HiddenNorm { get; }
                [ReLU] public partial Layer HiddenActivation { get; }
                [Dense(3)] public partial Layer Scores { get; }
            }
            """);

    private static void VerifyGenerated(string declaration)
    {
        var outcome = GeneratorHarness.Run(declaration);

        Assert.Null(outcome.GeneratorException);
        Assert.Empty(outcome.GeneratorDiagnostics);
        Assert.Empty(outcome.CompilationErrors);
        Approvals.VerifyWithExtension(outcome.GeneratedSources.Single(), ".cs", Scrubbers.ScrubGeneratorVersion);
    }
}
