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
}
