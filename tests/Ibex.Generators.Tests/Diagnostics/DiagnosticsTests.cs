using System.Linq;
using Ibex.Generators.Tests.Infrastructure;
using Ibex.Dsl;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Ibex.Generators.Tests.Diagnostics;

/// <summary>Each diagnostic fires at the marked span <c>[|…|]</c> with its severity; valid near-misses report nothing.</summary>
public sealed class DiagnosticsTests
{
    private const string Usings = "using Ibex.Dsl;\nusing Ibex.Runtime;\n";
    private const string Scores = "[Stochastic, Dense(3)] public partial Layer Scores { get; }";

    private readonly Xunit.Abstractions.ITestOutputHelper output;

    public DiagnosticsTests(Xunit.Abstractions.ITestOutputHelper output) => this.output = output;

    [Theory]
    [InlineData("IBX0001", "[InfoRegularized(1)][Input(4)] public class [|Plain|] { }")]
    [InlineData("IBX0002", "public partial class Outer { [InfoRegularized(1)][Input(4)] public partial class [|Inner|] { " + Scores + " } }")]
    [InlineData("IBX0002", "[InfoRegularized(1)][Input(4)] public partial class [|Generic|]<T> { " + Scores + " }")]
    [InlineData("IBX0002", "[InfoRegularized(1)][Input(4)] public static partial class [|Static|] { }")]
    [InlineData("IBX0002", "[InfoRegularized(1)][Input(4)] public abstract partial class [|Abstract|] { " + Scores + " }")]
    [InlineData("IBX0002", "[InfoRegularized(1)][Input(4)] public partial class [|Primary|](int size) { " + Scores + " }")]
    [InlineData("IBX0003", "[InfoRegularized(1)][Input(4)] public partial class [|Derived|] : System.Exception { " + Scores + " }")]
    [InlineData("IBX0004", "[InfoRegularized(1)] public partial class [|NoInput|] { " + Scores + " }")]
    [InlineData("IBX0005", "[InfoRegularized(1)][[|Input(0)|]] public partial class N { " + Scores + " }")]
    [InlineData("IBX0005", "[InfoRegularized(1)][[|Input(28, 28)|]] public partial class N { " + Scores + " }")]
    [InlineData("IBX0005", "[InfoRegularized(1)][[|Input(1, 28, 28, 3)|]] public partial class N { " + Scores + " }")]
    [InlineData("IBX0005", "[InfoRegularized(1)][[|Input(65536, 65536, 1)|]] public partial class N { " + Scores + " }")]
    [InlineData("IBX0005", "[InfoRegularized(1)][[|Input()|]] public partial class N { " + Scores + " }")]
    [InlineData("IBX0006", "[InfoRegularized(1)][Input(4)] public partial class [|Empty|] { }")]
    [InlineData("IBX0007", "[InfoRegularized(1)][Input(4)] public partial class N { " + Scores + " [ReLU] public partial Layer [|Last|] { get; } }")]
    [InlineData("IBX0007", "[InfoRegularized(1)][Input(1, 8, 8)] public partial class N { [Stochastic, Conv2d(4, 3)] public partial Layer C { get; } [Flatten] public partial Layer [|F|] { get; } }")]
    [InlineData("IBX0008", "[InfoRegularized(1)][Input(4)] public partial record [|N|] { " + Scores + " }")]
    [InlineData("IBX0008", "[InfoRegularized(1)][Input(4)] public partial struct [|N|] { " + Scores + " }")]
    [InlineData("IBX0008", "[InfoRegularized(1)][Input(4)] public partial record struct [|N|] { " + Scores + " }")]
    [InlineData("IBX0101", "[InfoRegularized(1)][Input(4)] public partial class N { [Dense(3)] public Layer [|NotPartial|] { get; } }")]
    [InlineData("IBX0101", "[InfoRegularized(1)][Input(4)] public partial class N { [Dense(3)] public partial int [|WrongType|] { get; } }")]
    [InlineData("IBX0101", "[InfoRegularized(1)][Input(4)] public partial class N { [Dense(3)] public static partial Layer [|Static|] { get; } }")]
    [InlineData("IBX0102", "[InfoRegularized(1)][Input(4)] public partial class N { [Dense(3), ReLU] public partial Layer [|Both|] { get; } }")]
    [InlineData("IBX0103", "[InfoRegularized(1)][Input(4)] public partial class N { [[|Stochastic|]] public partial Layer Alone { get; } " + Scores + " }")]
    [InlineData("IBX0104", "[InfoRegularized(1)][Input(4)] public partial class N { [[|Stochastic|], Tanh] public partial Layer Act { get; } " + Scores + " }")]
    [InlineData("IBX0104", "[InfoRegularized(1)][Input(1, 8, 8)] public partial class N { [[|Stochastic|], MaxPool2d(2)] public partial Layer Pool { get; } [Flatten] public partial Layer F { get; } " + Scores + " }")]
    [InlineData("IBX0105", "[InfoRegularized(1)][Input(4)] public partial class N { [[|Dense(0)|]] public partial Layer Zero { get; } }")]
    [InlineData("IBX0105", "[InfoRegularized(1)][Input(1, 8, 8)] public partial class N { [[|Conv2d(0, 3)|]] public partial Layer Zero { get; } [Flatten] public partial Layer F { get; } " + Scores + " }")]
    [InlineData("IBX0106", "[InfoRegularized(1)][Input(4)] public partial class [|N|] { [Dense(3)] public partial Layer Scores { get; } }")]
    [InlineData("IBX0107", "[InfoRegularized(1)][Input(4)] public partial class N { [Stochastic, Dense(8)] public partial Layer Hidden { get; } [Stochastic, Dense(3)] public partial Layer [|hidden|] { get; } }")]
    [InlineData("IBX0108", "[InfoRegularized(1)][Input(4)] public partial class N { private int [|scoresLayer|]; " + Scores + " }")]
    [InlineData("IBX0108", "[InfoRegularized(1)][Input(4)] public partial class N { public static int [|LogAlphaMax|] = 3; " + Scores + " }")]
    [InlineData("IBX0109", "[InfoRegularized(1)][Input(4)] public partial class N { [[|ELU(Alpha = double.NaN)|]] public partial Layer Bend { get; } " + Scores + " }")]
    [InlineData("IBX0109", "[InfoRegularized(1)][Input(1, 8, 8)] public partial class N { [[|Conv2d(4, 0)|]] public partial Layer C { get; } [Flatten] public partial Layer F { get; } " + Scores + " }")]
    [InlineData("IBX0109", "[InfoRegularized(1)][Input(1, 8, 8)] public partial class N { [[|Conv2d(4, 3, Stride = 0)|]] public partial Layer C { get; } [Flatten] public partial Layer F { get; } " + Scores + " }")]
    [InlineData("IBX0109", "[InfoRegularized(1)][Input(1, 8, 8)] public partial class N { [[|Conv2d(4, 3, Padding = -1)|]] public partial Layer C { get; } [Flatten] public partial Layer F { get; } " + Scores + " }")]
    [InlineData("IBX0109", "[InfoRegularized(1)][Input(1, 8, 8)] public partial class N { [[|MaxPool2d(2, Stride = -2)|]] public partial Layer P { get; } [Flatten] public partial Layer F { get; } " + Scores + " }")]
    [InlineData("IBX0109", "[InfoRegularized(1)][Input(4)] public partial class N { [[|Dropout(1.0)|]] public partial Layer Drop { get; } " + Scores + " }")]
    [InlineData("IBX0109", "[InfoRegularized(1)][Input(4)] public partial class N { [[|BatchNorm(Momentum = 2)|]] public partial Layer Norm { get; } " + Scores + " }")]
    [InlineData("IBX0109", "[InfoRegularized(1)][Input(4)] public partial class N { [[|BatchNorm(Epsilon = 0)|]] public partial Layer Norm { get; } " + Scores + " }")]
    [InlineData("IBX0109", "[InfoRegularized(1)][Input(4)] public partial class N { [[|Stochastic(AlphaMax = 0.5)|], Dense(3)] public partial Layer Scores { get; } }")]
    [InlineData("IBX0109", "[InfoRegularized(1)][Input(4)] public partial class N { [[|Stochastic(Noise = (NoiseFamily)7)|], Dense(3)] public partial Layer Scores { get; } }")]
    [InlineData("IBX0109", "[InfoRegularized(1)][Input(4)] public partial class N { [Stochastic, Dense(8)] public partial Layer H { get; } [[|Stochastic(AlphaMax = -1)|], ReLU] public partial Layer A { get; } " + Scores + " }")]
    [InlineData("IBX0109", "[InfoRegularized(1)][Input(4)] public partial class N { [Stochastic, Dense(8)] public partial Layer H { get; } [[|Stochastic(Noise = NoiseFamily.Gaussian)|], ReLU] public partial Layer A { get; } " + Scores + " }")]
    [InlineData("IBX0109", "[InfoRegularized(1)][Input(3, 8, 8)] public partial class N { [[|Conv2d(4, 3, Groups = 2)|]] public partial Layer C { get; } [Flatten] public partial Layer F { get; } " + Scores + " }")]
    [InlineData("IBX0109", "[InfoRegularized(1)][Input(4, 8, 8)] public partial class N { [[|Conv2d(4, 3, Groups = 0)|]] public partial Layer C { get; } [Flatten] public partial Layer F { get; } " + Scores + " }")]
    [InlineData("IBX0109", "[InfoRegularized(1)][Input(1, 8, 8)] public partial class N { [[|Conv2d(4, 3, Dilation = 0)|]] public partial Layer C { get; } [Flatten] public partial Layer F { get; } " + Scores + " }")]
    [InlineData("IBX0109", "[InfoRegularized(1)][Input(4)] public partial class N { [[|LeakyReLU(double.NaN)|]] public partial Layer Leak { get; } " + Scores + " }")]
    [InlineData("IBX0109", "[InfoRegularized(1)][Input(4)] public partial class N { [[|LayerNorm(Epsilon = -1)|]] public partial Layer Norm { get; } " + Scores + " }")]
    [InlineData("IBX0109", "[InfoRegularized(1)][Input(4)] public partial class N { [[|PReLU(InitialSlope = double.PositiveInfinity)|]] public partial Layer Slopes { get; } " + Scores + " }")]
    [InlineData("IBX0109", "[InfoRegularized(1)][Input(1, 8, 8)] public partial class N { [Identity] public partial Layer Start { get; } [Conv2d(4, 3)] public partial Layer C { get; } [[|Residual(nameof(Start), Projection = true)|]] public partial Layer Skip { get; } [Flatten] public partial Layer F { get; } " + Scores + " }")]
    [InlineData("IBX0109", "[InfoRegularized(1)][Input(1, 8, 8)] public partial class N { [Identity] public partial Layer Start { get; } [GlobalAvgPool] public partial Layer G { get; } [[|Residual(nameof(Start), Projection = true)|]] public partial Layer Skip { get; } " + Scores + " }")]
    [InlineData("IBX0104", "[InfoRegularized(1)][Input(4)] public partial class N { [Dense(8)] public partial Layer H { get; } [[|Stochastic|], GELU] public partial Layer Act { get; } " + Scores + " }")]
    [InlineData("IBX0112", "[InfoRegularized(1)][Input(1, 8, 8)] public partial class N { [[|Conv2d(4, 3, Dilation = 4)|]] public partial Layer C { get; } [Flatten] public partial Layer F { get; } " + Scores + " }")]
    [InlineData("IBX0110", "[InfoRegularized(1)][Input(64)] public partial class N { [[|Conv2d(4, 3)|]] public partial Layer C { get; } " + Scores + " }")]
    [InlineData("IBX0110", "[InfoRegularized(1)][Input(1, 8, 8)] public partial class N { [Flatten] public partial Layer F { get; } [[|MaxPool2d(2)|]] public partial Layer P { get; } " + Scores + " }")]
    [InlineData("IBX0110", "[InfoRegularized(1)][Input(16)] public partial class N { [[|GlobalAvgPool|]] public partial Layer G { get; } " + Scores + " }")]
    [InlineData("IBX0111", "[InfoRegularized(1)][Input(1, 8, 8)] public partial class N { [Stochastic, Conv2d(4, 3)] public partial Layer C { get; } [Stochastic, [|Dense(3)|]] public partial Layer Scores { get; } }")]
    [InlineData("IBX0112", "[InfoRegularized(1)][Input(1, 8, 8)] public partial class N { [[|Conv2d(4, 9)|]] public partial Layer C { get; } [Flatten] public partial Layer F { get; } " + Scores + " }")]
    [InlineData("IBX0112", "[InfoRegularized(1)][Input(1, 8, 8)] public partial class N { [Conv2d(4, 3, Stride = 2)] public partial Layer C { get; } [MaxPool2d(2)] public partial Layer P1 { get; } [[|AvgPool2d(3)|]] public partial Layer P2 { get; } [Flatten] public partial Layer F { get; } " + Scores + " }")]
    [InlineData("IBX0113", "[InfoRegularized(1)][Input(4)] public partial class N { [Identity] public partial Layer Start { get; } [Dense(8)] public partial Layer Wide { get; } [[|Residual(nameof(Start))|]] public partial Layer Skip { get; } " + Scores + " }")]
    [InlineData("IBX0114", "[InfoRegularized(1)][Input(4)] public partial class N { [[|Residual(\"Later\")|]] public partial Layer Skip { get; } [Dense(4)] public partial Layer Later { get; } " + Scores + " }")]
    [InlineData("IBX0118", "[InfoRegularized(1)][Input(4)] public partial class N { [Stochastic, [|Desne(8)|]] public partial Layer Hidden { get; } " + Scores + " }")]
    [InlineData("IBX0118", "[InfoRegularized(1)][Input(4)] public partial class N { [[|Relu|]] public partial Layer Act { get; } " + Scores + " }")]
    [InlineData("IBX0115", "[InfoRegularized(1)][Input(4)] public partial class N { [[|Stochastic|], ReLU] public partial Layer Act { get; } " + Scores + " }")]
    [InlineData("IBX0115", "[InfoRegularized(1)][Input(1, 8, 8)] public partial class N { [Conv2d(4, 3)] public partial Layer C { get; } [MaxPool2d(2)] public partial Layer P { get; } [[|Stochastic|], Softplus] public partial Layer Act { get; } [Flatten] public partial Layer F { get; } " + Scores + " }")]
    [InlineData("IBX0116", "[InfoRegularized(1)][Input(4)] public partial class N { [[|Flatten|]] public partial Layer F { get; } " + Scores + " }")]
    [InlineData("IBX0117", "[InfoRegularized(1)][Input(4)] public partial class N { [[|Dropout(0)|]] public partial Layer Drop { get; } " + Scores + " }")]
    [InlineData("IBX0201", "[[|InfoRegularized(-1)|]][Input(4)] public partial class N { " + Scores + " }")]
    [InlineData("IBX0201", "[[|InfoRegularized(double.NaN)|]][Input(4)] public partial class N { " + Scores + " }")]
    [InlineData("IBX0201", "[[|InfoRegularized(1, AlphaMax = 0)|]][Input(4)] public partial class N { " + Scores + " }")]
    [InlineData("IBX0201", "[[|InfoRegularized(1, MinLogAlpha = 2)|]][Input(4)] public partial class N { " + Scores + " }")]
    [InlineData("IBX0201", "[[|InfoRegularized(1, InitialLogAlpha = 3)|]][Input(4)] public partial class N { " + Scores + " }")]
    [InlineData("IBX0201", "[InfoRegularized(1)][Input(4)] public partial class N { [[|Stochastic(InitialLogAlpha = -30)|], Dense(3)] public partial Layer Scores { get; } }")]
    [InlineData("IBX0201", "[[|InfoRegularized(1, Noise = (NoiseFamily)3)|]][Input(4)] public partial class N { " + Scores + " }")]
    [InlineData("IBX0201", "[[|InfoRegularized(1, AlphaSharing = (AlphaSharing)(-1))|]][Input(4)] public partial class N { " + Scores + " }")]
    [InlineData("IBX0201", "[[|InfoRegularized(1, Noise = NoiseFamily.Gaussian, InitialLogAlpha = 9)|]][Input(4)] public partial class N { " + Scores + " }")]
    [InlineData("IBX0202", "[[|InfoRegularized(1, AlphaMax = 1)|]][Input(4)] public partial class N { " + Scores + " }")]
    [InlineData("IBX0010", "[InfoRegularized(1)][Input(4)] public partial class N { [Stochastic, Dense(1)] public partial Layer [|Score|] { get; } }")]
    [InlineData("IBX0012", "[InfoRegularized(1, Likelihood = Likelihood.HeteroscedasticGaussian)][Input(4)] public partial class N { [Stochastic, Dense(3)] public partial Layer [|Head|] { get; } }")]
    [InlineData("IBX0201", "[[|InfoRegularized(1, Likelihood = (Likelihood)7)|]][Input(4)] public partial class N { " + Scores + " }")]
    [InlineData("IBX0011", "[InfoRegularized(1)][[|Input(32, 32, 3)|]] public partial class N { [Flatten] public partial Layer F { get; } " + Scores + " }")]
    [InlineData("IBX0119", "[InfoRegularized(1)][Input(4)] public partial class N { [[|LeakyReLU(-0.2)|]] public partial Layer Leak { get; } " + Scores + " }")]
    [InlineData("IBX0120", "[InfoRegularized(1)][Input(4)] public partial class N { [Dense(4)] public partial Layer Same { get; } [[|Residual(nameof(Same))|]] public partial Layer Twice { get; } " + Scores + " }")]
    public void ReportsAtTheMarkedSpan(string id, string markedSource)
    {
        var (source, span) = Markup.Parse(Usings + markedSource);

        var outcome = GeneratorHarness.Run(source);

        Assert.Null(outcome.GeneratorException);
        var diagnostic = Assert.Single(outcome.GeneratorDiagnostics, d => d.Id == id);
        if (diagnostic.Severity == DiagnosticSeverity.Error)
        {
            // One mistake, one Ibex error, and no compiler error per layer property for want of an implementation (CS9248).
            Assert.Single(outcome.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
            Assert.DoesNotContain(outcome.CompilationErrors, d => d.Id == "CS9248");
        }

        Assert.Equal(span, diagnostic.Location.SourceSpan);
        Assert.Equal(id is "IBX0010" or "IBX0011" or "IBX0106" or "IBX0116" or "IBX0117" or "IBX0119" or "IBX0120" or "IBX0202" ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, diagnostic.Severity);
        // A location in the compilation's own tree is what lets #pragma warning disable apply (tests/Ibex.Runtime.Tests
        // relies on it: it builds with warnings as errors and silences IBX0202 that way).
        Assert.True(diagnostic.Location.IsInSource, "the location must be in the real syntax tree so that #pragma applies");
        Assert.DoesNotContain("{", diagnostic.GetMessage().Replace("{ get; }", string.Empty));
        output.WriteLine($"{diagnostic.Id} {diagnostic.Severity}: {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}");
    }

    [Theory]
    [InlineData("[InfoRegularized(1)][Input(4)] public partial class Valid { " + Scores + " }")]
    [InlineData("[InfoRegularized(0)][Input(4)] public partial class ZeroBeta { " + Scores + " }")]
    [InlineData("[InfoRegularized(1, AlphaMax = 1.5)][Input(4)] public partial class CapAtThreshold { " + Scores + " }")]
    [InlineData("[InfoRegularized(1, InitialLogAlpha = -10)][Input(4)] public partial class InitialAtFloor { " + Scores + " }")]
    [InlineData("[InfoRegularized(1)][Input(4)] public partial class WithHelpers { public int Count { get; } " + Scores + " }")]
    [InlineData("[InfoRegularized(1)][Input(4)] internal partial class InternalLayers { [Stochastic, Dense(3)] internal partial Layer Scores { get; } }")]
    [InlineData("[InfoRegularized(1)][Input(4)] public partial class WithInterface : System.IComparable { public int CompareTo(object? o) => 0; " + Scores + " }")]
    [InlineData("[InfoRegularized(1)][Input(1, 8, 8)] public partial class KernelFitsExactly { [Stochastic, Conv2d(4, 8)] public partial Layer C { get; } [Flatten] public partial Layer F { get; } " + Scores + " }")]
    [InlineData("[InfoRegularized(1)][Input(1, 8, 8)] public partial class PaddedWindow { [Conv2d(4, 9, Padding = 1)] public partial Layer C { get; } [Flatten] public partial Layer F { get; } " + Scores + " }")]
    [InlineData("[InfoRegularized(1)][Input(1, 8, 8)] public partial class AllCnnEnding { [Stochastic, Conv2d(3, 1)] public partial Layer C { get; } [GlobalAvgPool] public partial Layer Scores { get; } }")]
    [InlineData("[InfoRegularized(1)][Input(4)] public partial class SameShapeResidual { [Identity] public partial Layer Start { get; } [Dense(4)] public partial Layer Same { get; } [Residual(nameof(Start))] public partial Layer Skip { get; } " + Scores + " }")]
    [InlineData("[InfoRegularized(1)][Input(1, 8, 8)] public partial class DropoutThroughBatchNorm { [Conv2d(4, 3)] public partial Layer C { get; } [BatchNorm] public partial Layer Norm { get; } [Stochastic(AlphaMax = 1)] [Softplus] public partial Layer Act { get; } [Flatten] public partial Layer F { get; } " + Scores + " }")]
    [InlineData("[InfoRegularized(1, Noise = NoiseFamily.Gaussian, AlphaSharing = AlphaSharing.PerUnit, InitialLogAlpha = 7)][Input(4)] public partial class GaussianPerUnit { " + Scores + " }")]
    [InlineData("[InfoRegularized(1)][Input(4)] public partial class KeywordNames { [Stochastic, Dense(8)] public partial Layer @in { get; } [ReLU] public partial Layer @fixed { get; } [Residual(nameof(@in))] public partial Layer @base { get; } [Stochastic, Dense(6)] public partial Layer @checked { get; } [Tanh] public partial Layer @out { get; } [Stochastic, Dense(3)] public partial Layer @class { get; } }")]
    [InlineData("[InfoRegularized(1)][Input(2, 6, 6)] public partial class LearnedSlopes { [PReLU] public partial Layer PerChannel { get; } [Flatten] public partial Layer F { get; } [Dense(5)] public partial Layer H { get; } [PReLU(InitialSlope = -0.5)] public partial Layer PerUnit { get; } " + Scores + " }")]
    [InlineData("[InfoRegularized(1)][Input(4)] public partial class GentleLeak { [LeakyReLU(0)] public partial Layer Flat { get; } [LeakyReLU(0.2)] public partial Layer Leak { get; } " + Scores + " }")]
    [InlineData("[InfoRegularized(1)][Input(3, 32, 32)] public partial class ChannelsFirst { [Flatten] public partial Layer F { get; } " + Scores + " }")]
    [InlineData("[InfoRegularized(1, Likelihood = Likelihood.Gaussian)][Input(4)] public partial class OneTarget { [Stochastic, Dense(8)] public partial Layer H { get; } [Tanh] public partial Layer A { get; } [Stochastic, Dense(1)] public partial Layer Mean { get; } }")]
    [InlineData("[InfoRegularized(1, Likelihood = Likelihood.HeteroscedasticGaussian)][Input(4)] public partial class MeanAndLogVariance { [Stochastic, Dense(2)] public partial Layer Head { get; } }")]
    [InlineData("[InfoRegularized(1, Likelihood = Likelihood.Bernoulli)][Input(4)] public partial class OneLabel { [Stochastic, Dense(1)] public partial Layer Label { get; } }")]
    [InlineData("[InfoRegularized(1)][Input(4)] public partial class DropoutRateBelowOne { [Dropout(0.999)] public partial Layer Drop { get; } [BatchNorm(Momentum = 1, Epsilon = 1e-3)] public partial Layer Norm { get; } " + Scores + " }")]
    public void ValidNearMissesReportNothingAndCompile(string source)
    {
        var outcome = GeneratorHarness.Run(Usings + source);

        Assert.Null(outcome.GeneratorException);
        Assert.Empty(outcome.GeneratorDiagnostics);
        Assert.Empty(outcome.CompilationErrors);
        Assert.Single(outcome.GeneratedSources);
    }
}

public sealed class DidYouMeanTests
{
    private const string Usings = "using Ibex.Dsl;\nusing Ibex.Runtime;\n";

    [Theory]
    [InlineData("[Stochastic, Conv2D(4, 3)]", "Conv2D", "Conv2d")]
    [InlineData("[Relu]", "Relu", "ReLU")]
    [InlineData("[Stochastic, Dens(3)]", "Dens", "Dense")]
    [InlineData("[Stochastic, BatchNom]", "BatchNom", "BatchNorm")]
    public void AMisspelledLayerAttributeGetsOneDidYouMeanAndNoOtherIbexError(string attributes, string typed, string meant)
    {
        var outcome = GeneratorHarness.Run(Usings + "[InfoRegularized(1)][Input(1, 8, 8)] public partial class N { [Conv2d(4, 3)] public partial Layer C { get; } "
            + attributes + " public partial Layer Typo { get; } [Flatten] public partial Layer F { get; } [Stochastic, Dense(3)] public partial Layer Scores { get; } }");

        var diagnostic = Assert.Single(outcome.GeneratorDiagnostics);
        Assert.Equal("IBX0118", diagnostic.Id);
        Assert.Equal($"[{typed}] on 'Typo' is not an Ibex layer attribute; did you mean [{meant}]?", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void AResidualBlockThatChangesTheShapeIsToldHowToProjectItsShortcut()
    {
        var outcome = GeneratorHarness.Run(Usings + "[InfoRegularized(1)][Input(2, 8, 8)] public partial class N { [Identity] public partial Layer Start { get; } "
            + "[Conv2d(4, 3, Stride = 2, Padding = 1)] public partial Layer Down { get; } [Residual(nameof(Start))] public partial Layer Skip { get; } [Flatten] public partial Layer F { get; } " + "[Stochastic, Dense(3)] public partial Layer Scores { get; }" + " }");

        var diagnostic = Assert.Single(outcome.GeneratorDiagnostics);
        Assert.Equal("IBX0113", diagnostic.Id);
        Assert.EndsWith("or learn a projection of the shortcut: [Residual(nameof(Start), Projection = true)]", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void AResidualNamingALayerDeclaredAfterAFailedOneGetsNoErrorOfItsOwn()
    {
        var outcome = GeneratorHarness.Run(Usings + "[InfoRegularized(1)][Input(1, 8, 8)] public partial class N { [Conv2d(4, 9)] public partial Layer Bad { get; } "
            + "[Identity] public partial Layer Start { get; } [Conv2d(4, 3, Padding = 1)] public partial Layer C { get; } [Residual(nameof(Start))] public partial Layer Skip { get; } "
            + "[Flatten] public partial Layer F { get; } [Stochastic, Dense(3)] public partial Layer Scores { get; } }");

        var diagnostic = Assert.Single(outcome.GeneratorDiagnostics);
        Assert.Equal("IBX0112", diagnostic.Id);
    }

    [Fact]
    public void AResidualNamingALaterLayerIsToldItIsDeclaredAfterIt()
    {
        var outcome = GeneratorHarness.Run(Usings + "[InfoRegularized(1)][Input(4)] public partial class N { [Identity] public partial Layer Stem { get; } [Residual(nameof(Block))] public partial Layer Skip { get; } "
            + "[Dense(4)] public partial Layer Block { get; } [Stochastic, Dense(3)] public partial Layer Scores { get; } }");

        var diagnostic = Assert.Single(outcome.GeneratorDiagnostics, d => d.Id == "IBX0114");
        string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("'Block' is declared after 'Skip'", message);
        Assert.DoesNotContain("did you mean", message);
    }

    [Fact]
    public void AWindowThatDoesNotFitIsToldWhatCanMakeItFit()
    {
        var dilated = GeneratorHarness.Run(Usings + "[InfoRegularized(1)][Input(1, 8, 8)] public partial class N { [Conv2d(4, 3, Dilation = 4, Stride = 2)] public partial Layer C { get; } [Flatten] public partial Layer F { get; } [Stochastic, Dense(3)] public partial Layer Scores { get; } }");
        var large = GeneratorHarness.Run(Usings + "[InfoRegularized(1)][Input(1, 8, 8)] public partial class N { [Conv2d(4, 9)] public partial Layer C { get; } [Flatten] public partial Layer F { get; } [Stochastic, Dense(3)] public partial Layer Scores { get; } }");

        string dilatedMessage = Assert.Single(dilated.GeneratorDiagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        string largeMessage = Assert.Single(large.GeneratorDiagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("spans 9 × 9 pixels, which is larger than the padded input (8 × 8); use a smaller dilation or kernel, or more padding", dilatedMessage);
        Assert.Contains("its 9 × 9 window is larger than the padded input (8 × 8); use a smaller kernel or more padding", largeMessage);
        Assert.DoesNotContain("smaller kernel or stride", dilatedMessage + largeMessage);
    }

    [Fact]
    public void ANormalizationAfterTheClassScoresIsToldToGo()
    {
        var outcome = GeneratorHarness.Run(Usings + "[InfoRegularized(1)][Input(4)] public partial class N { [Stochastic, Dense(3)] public partial Layer Scores { get; } [LayerNorm] public partial Layer Norm { get; } }");

        string message = Assert.Single(outcome.GeneratorDiagnostics, d => d.Id == "IBX0007").GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.EndsWith("remove 'Norm' after the class scores of 'Scores': they must reach the softmax unchanged", message);
        Assert.DoesNotContain("add [Dense(classes)]", message);
    }

    [Fact]
    public void ANetworkWithoutPartialGetsIbx0001AndTheCompilersCs0260Only()
    {
        var outcome = GeneratorHarness.Run(Usings + "[InfoRegularized(1)][Input(4)] public class Plain { [Stochastic, Dense(8)] public partial Layer Hidden { get; } [ReLU] public partial Layer Act { get; } [Stochastic, Dense(3)] public partial Layer Scores { get; } }");

        Assert.Equal("IBX0001", Assert.Single(outcome.GeneratorDiagnostics).Id);
        Assert.Equal(new[] { "CS0260" }, outcome.CompilationErrors.Select(e => e.Id).Distinct());
        Assert.Single(outcome.CompilationErrors);
    }

    [Fact]
    public void AResidualTargetThatNearlyNamesAnEarlierLayerSuggestsIt()
    {
        var outcome = GeneratorHarness.Run(Usings + "[InfoRegularized(1)][Input(4)] public partial class N { [Identity] public partial Layer Stem { get; } [ReLU] public partial Layer StemAct { get; } "
            + "[Residual(\"stemAct\")] public partial Layer Skip { get; } [Stochastic, Dense(3)] public partial Layer Scores { get; } }");

        var diagnostic = Assert.Single(outcome.GeneratorDiagnostics, d => d.Id == "IBX0114");
        Assert.Contains("did you mean 'StemAct'? Name it with nameof, [Residual(nameof(StemAct))]", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void LayersInTwoFilesAreWarnedAboutWithTheOrderTheyRunIn()
    {
        var outcome = GeneratorHarness.Run(
            Usings + "namespace Split; [InfoRegularized(1)][Input(4)] public partial class N { [Stochastic, Dense(8)] public partial Layer Hidden { get; } }",
            Usings + "namespace Split; public partial class N { [Stochastic, Dense(3)] public partial Layer Scores { get; } }");

        var diagnostic = Assert.Single(outcome.GeneratorDiagnostics);
        Assert.Equal("IBX0009", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal("Declaration1.cs", diagnostic.Location.SourceTree!.FilePath);
        Assert.Contains("'Scores' runs after every layer of Declaration0.cs", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(outcome.CompilationErrors);
    }
}


internal static class Markup
{
    public static (string Source, Microsoft.CodeAnalysis.Text.TextSpan Span) Parse(string marked)
    {
        int start = marked.IndexOf("[|", System.StringComparison.Ordinal);
        int end = marked.IndexOf("|]", System.StringComparison.Ordinal);
        string source = marked.Remove(end, 2).Remove(start, 2);
        return (source, new Microsoft.CodeAnalysis.Text.TextSpan(start, end - start - 2));
    }
}
