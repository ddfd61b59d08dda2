using System;
using System.Collections.Generic;
using System.Linq;
using Ibex.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Ibex.Generators.Tests.Diagnostics;

/// <summary>
/// The generator meets half-typed and broken declarations on every keystroke. Whatever the input, it must report
/// diagnostics or nothing, never throw, and never emit code that does not compile.
/// </summary>
public sealed class BrokenDeclarationTests
{
    private const string ValidMlp = """
        using Ibex.Dsl;
        using Ibex.Runtime;

        namespace Fuzz;

        [InfoRegularized(0.5, AlphaMax = 4.0, MinLogAlpha = -10, InitialLogAlpha = -6)]
        [Input(64)]
        public sealed partial class Target
        {
            [Stochastic(InitialLogAlpha = -5), Dense(32)] public partial Layer Hidden { get; }
            [ELU(Alpha = 0.5)] public partial Layer Bend { get; }
            [Dense(16, Bias = false)] internal partial Layer Middle { get; }
            [Tanh] private partial Layer Squash { get; }
            [Stochastic, Dense(10)] public partial Layer Scores { get; }
        }
        """;

    private const string ValidCnn = """
        using Ibex.Dsl;
        using Ibex.Runtime;

        namespace Fuzz;

        [InfoRegularized(0.5, Noise = NoiseFamily.LogNormal, AlphaSharing = AlphaSharing.PerWeight)]
        [Input(3, 16, 16)]
        public sealed partial class Target
        {
            [Stochastic(Noise = NoiseFamily.Gaussian), Conv2d(8, 3, Stride = 1, Padding = 1)] public partial Layer Stem { get; }
            [BatchNorm(Momentum = 0.1, Epsilon = 1e-5)] public partial Layer Norm { get; }
            [Stochastic(AlphaMax = 0.7), ReLU] public partial Layer Act { get; }
            [Stochastic(AlphaSharing = AlphaSharing.PerUnit), Conv2d(8, 3, Padding = 1)] public partial Layer Inner { get; }
            [Residual(nameof(Act))] public partial Layer Skip { get; }
            [MaxPool2d(2, Stride = 2)] public partial Layer Pool { get; }
            [AvgPool2d(2)] public partial Layer Smooth { get; }
            [Dropout(0.25)] public partial Layer Drop { get; }
            [Flatten] public partial Layer Features { get; }
            [Stochastic, Dense(16)] public partial Layer Hidden { get; }
            [Stochastic, Softplus] public partial Layer Soft { get; }
            [Sigmoid] public partial Layer Squash { get; }
            [Identity] public partial Layer Mark { get; }
            [Stochastic, Dense(10)] public partial Layer Scores { get; }
        }
        """;

    private const string ValidResNet = """
        using Ibex.Dsl;
        using Ibex.Runtime;

        namespace Fuzz;

        [InfoRegularized(0.5)]
        [Input(4, 16, 16)]
        public sealed partial class Target
        {
            [Stochastic, Conv2d(8, 3, Padding = 2, Dilation = 2)] public partial Layer Stem { get; }
            [LayerNorm(Epsilon = 1e-5)] public partial Layer Norm { get; }
            [LeakyReLU(0.1)] public partial Layer Act { get; }
            [Stochastic(AlphaSharing = AlphaSharing.PerUnit), Conv2d(16, 3, Stride = 2, Padding = 1, Groups = 4)] public partial Layer Down { get; }
            [GELU] public partial Layer Smooth { get; }
            [Residual(nameof(Act), Projection = true)] public partial Layer Skip { get; }
            [GlobalAvgPool] public partial Layer Pool { get; }
            [Dense(12)] public partial Layer Hidden { get; }
            [SiLU] public partial Layer Swish { get; }
            [Residual(nameof(Pool), Projection = true)] public partial Layer Widen { get; }
            [Stochastic, Dense(10)] public partial Layer Scores { get; }
        }
        """;

    private const string ValidLikelihood = """
        using Ibex.Dsl;
        using Ibex.Runtime;

        namespace Fuzz;

        [InfoRegularized(0.1, Likelihood = Likelihood.HeteroscedasticGaussian)]
        [Input(2, 8, 8)]
        public sealed partial class Target
        {
            [Stochastic, Conv2d(4, 3)] public partial Layer Stem { get; }
            [Stochastic(AlphaMax = 1.0), Softplus] public partial Layer Smooth { get; }
            [PReLU] public partial Layer StemSlopes { get; }
            [Flatten] public partial Layer Features { get; }
            [Stochastic, Dense(12)] public partial Layer Hidden { get; }
            [Stochastic, ReLU] public partial Layer Rectify { get; }
            [PReLU(InitialSlope = 0.1)] public partial Layer HiddenSlopes { get; }
            [Stochastic, Dense(4)] public partial Layer MeanAndLogVariance { get; }
        }
        """;

    private static readonly string[] Replacements =
    {
        "0", "-1", "-0.0", "1e308", "double.NaN", "double.PositiveInfinity", "int.MaxValue", "\"text\"", "null", "",
        "partial", "static", "Dense", "ReLU", "Stochastic", "Input", "Layer", "int", "{", "}", "(", ")", "[", "]", ",", ";",
        "class", "struct", "record", "abstract", "get; set;", "=> null!", "<T>", "Target", "Hidden",
        "Conv2d", "MaxPool2d", "AvgPool2d", "GlobalAvgPool", "Flatten", "BatchNorm", "Dropout", "Residual", "Identity",
        "Sigmoid", "Softplus", "nameof(Hidden)", "nameof(Scores)", "\"Stem\"", "NoiseFamily.Gaussian", "(NoiseFamily)7",
        "AlphaSharing.PerUnit", "(AlphaSharing)2", "1.5", "2", "3", "1000", "16", "-3", "0.99",
        "LeakyReLU", "GELU", "SiLU", "LayerNorm", "Dilation = 2", "Groups = 3", "Projection = true", "nameof(Stem)",
        "PReLU", "InitialSlope = -1", "Likelihood.Gaussian", "Likelihood.Bernoulli", "Likelihood.HeteroscedasticGaussian", "(Likelihood)9",
        "Likelihood = Likelihood.Categorical", "5",
    };

    private readonly Xunit.Abstractions.ITestOutputHelper output;

    public BrokenDeclarationTests(Xunit.Abstractions.ITestOutputHelper output) => this.output = output;

    [Fact]
    public void ThreeHundredMutatedDeclarationsNeverCrashTheGeneratorNorYieldUncompilableCode()
    {
        int seed = Random.Shared.Next();
        var random = new Random(seed);
        var cases = Enumerable.Range(0, 300).Select(i => Mutate((i % 4) switch { 0 => ValidMlp, 1 => ValidCnn, 2 => ValidResNet, _ => ValidLikelihood }, random)).ToList();
        int withDiagnostics = 0, generated = 0;

        foreach (var source in cases)
        {
            var outcome = GeneratorHarness.Run(source);
            string context = $"seed {seed}, source:\n{source}";

            Assert.True(outcome.GeneratorException is null, $"generator threw {outcome.GeneratorException}\n{context}");
            Assert.DoesNotContain(outcome.CompilationDiagnostics.Concat(outcome.GeneratorDiagnostics), d => d.Id is "AD0001" or "CS8785");
            var errorsInGeneratedCode = outcome.CompilationErrors
                .Where(d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true)
                .Where(d => !IsCausedByTheDeclaration(d))
                .ToList();
            Assert.True(errorsInGeneratedCode.Count == 0,
                $"generated code does not compile: {string.Join("; ", errorsInGeneratedCode.Select(d => d.ToString()))}\n{context}");
            withDiagnostics += outcome.GeneratorDiagnostics.Length > 0 ? 1 : 0;
            generated += outcome.GeneratedSources.Length;
        }

        output.WriteLine($"seed {seed}: {cases.Count} mutated declarations, {withDiagnostics} with IBX diagnostics, {generated} generated a module; no generator exception, no error in generated code");
        Assert.True(withDiagnostics > 30, $"only {withDiagnostics} of 300 mutations produced an IBX diagnostic (seed {seed})");
        Assert.True(generated > 30, $"only {generated} of 300 mutations still generated code (seed {seed})");
    }

    [Theory]
    [InlineData("[InfoRegularized(")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [Dense(] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [Dense(3)] public partial Layer")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [Dense(3)] public partial Layer X { get; } [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [Dense(3)] public partial ReLU X { get; } [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("namespace Fuzz; [InfoRegularized(0.5)] [Input(64)] public sealed partial class Target { [Stochastic, Dense(32)] public partial ReLU Hidden { get; } [Stochastic, Dense(32)] public partial Layer Hidden { get; } [Tanh] private partial Layer Squash { get; } [Stochastic, Dense(10)] public partial Layer Scores { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [Dense(3)] public partial Layer X { get; } [Dense(3)] public partial ReLU X { get; } [Dense(3)] public partial Layer Y { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [Dense(3)] public partial Layer X { get; } [Dense(3)] public partial Layer X { get; } [Dense(3)] public partial int X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [Dense(3)] public partial Layer X { get; } } public partial class N { }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [Dense(\"3\")] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(\"x\")] [Input(4)] public partial class N { [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(\"4\")] public partial class N { [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(null)] public partial class N { [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [ELU(Alpha = double.PositiveInfinity)] public partial Layer E { get; } [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial record N { [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial struct N { [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(1, 8, 8)] public partial class N { [Conv2d(] public partial Layer C { get; } [Flatten] public partial Layer F { get; } [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(1, 8, 8)] public partial class N { [Conv2d(4)] public partial Layer C { get; } [Flatten] public partial Layer F { get; } [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(1, 8, 8)] public partial class N { [Conv2d(4, 3, Stride = )] public partial Layer C { get; } [Flatten] public partial Layer F { get; } [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(1, 8, 8)] public partial class N { [Conv2d(4, 3, Padding = 1.5)] public partial Layer C { get; } [Flatten] public partial Layer F { get; } [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(1, 8, 8)] public partial class N { [MaxPool2d] public partial Layer P { get; } [Flatten] public partial Layer F { get; } [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(1, 8, 8)] public partial class N { [Conv2d(4, int.MaxValue)] public partial Layer C { get; } [Flatten] public partial Layer F { get; } [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(1, 8, 8)] public partial class N { [Conv2d(4, 3, Padding = int.MaxValue)] public partial Layer C { get; } [Flatten] public partial Layer F { get; } [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(1, 8, 8)] public partial class N { [Conv2d(4, 3, Stride = int.MaxValue)] public partial Layer C { get; } [Flatten] public partial Layer F { get; } [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(int.MaxValue, 2, 2)] public partial class N { [Flatten] public partial Layer F { get; } [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [Residual(null)] public partial Layer R { get; } [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [Residual()] public partial Layer R { get; } [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [Residual(nameof(R))] public partial Layer R { get; } [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [Residual(nameof(Missing))] public partial Layer R { get; } [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [Dropout] public partial Layer D { get; } [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [Dropout(double.NaN)] public partial Layer D { get; } [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [BatchNorm(Momentum = double.NaN, Epsilon = double.NegativeInfinity)] public partial Layer B { get; } [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1, Noise = )] [Input(4)] public partial class N { [Stochastic, Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1, Noise = 1)] [Input(4)] public partial class N { [Stochastic, Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [Stochastic(Noise = NoiseFamily.)] [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [Dense(8)] public partial Layer H { get; } [Stochastic(AlphaMax = double.NaN), ReLU] public partial Layer A { get; } [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(1, 4, 4)] public partial class N { [Stochastic, Softplus] public partial Layer A { get; } [GlobalAvgPool] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(1, 4, 4)] public partial class N { [GlobalAvgPool] public partial Layer G { get; } [GlobalAvgPool] public partial Layer X { get; } }")]
    [InlineData("void nameof(object o) { } [InfoRegularized(1)] [Input(4)] public partial class N { [Stochastic, Dense(3)] public partial Layer X { get; } }")]
    public void HandWrittenHalfTypedDeclarationsAreHandled(string declaration)
    {
        var outcome = GeneratorHarness.Run("using Ibex.Dsl;\nusing Ibex.Runtime;\n" + declaration);

        Assert.Null(outcome.GeneratorException);
        Assert.DoesNotContain(outcome.CompilationErrors, d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true && !IsCausedByTheDeclaration(d));
    }

    [Theory]
    [InlineData(ValidMlp)]
    [InlineData(ValidCnn)]
    [InlineData(ValidResNet)]
    [InlineData(ValidLikelihood)]
    public void TheFuzzStartsFromValidDeclarations(string source)
    {
        var outcome = GeneratorHarness.Run(source);

        Assert.Empty(outcome.GeneratorDiagnostics);
        Assert.Empty(outcome.CompilationErrors);
        Assert.Single(outcome.GeneratedSources);
    }

    /// <summary>
    /// Errors that sit in the generated file but are the declaration's own fault: the generated half of a partial member
    /// repeats what the user wrote (a duplicate member, a conflicting modifier), so the compiler reports both halves.
    /// </summary>
    private static bool IsCausedByTheDeclaration(Diagnostic diagnostic) => diagnostic.Id is
        "CS0102" // duplicate member: the user declared the same layer name twice
        or "CS0111" or "CS0121" or "CS0229" // ambiguity from the user's duplicate
        or "CS9250" or "CS9251" or "CS9252" or "CS9253" // partial property parts disagree because the user's part is malformed
        or "CS8799" or "CS8800" // accessibility or modifiers of partial parts
        or "CS0053"; // the property's type (a half-typed nested 'class Layer') is less accessible than the property, in both parts

    private static string Mutate(string source, Random random)
    {
        string mutated = source;
        int edits = 1 + random.Next(3);
        for (int e = 0; e < edits; e++)
        {
            switch (random.Next(5))
            {
                case 0: // delete a span, as a half-finished edit would
                {
                    int start = random.Next(mutated.Length);
                    mutated = mutated.Remove(start, Math.Min(1 + random.Next(12), mutated.Length - start));
                    break;
                }

                case 1: // truncate: typing in progress
                    mutated = mutated.Substring(0, random.Next(mutated.Length / 3, mutated.Length));
                    break;
                case 2: // replace a word or number by something plausible but wrong
                {
                    var words = System.Text.RegularExpressions.Regex.Matches(mutated, @"-?[\w.]+");
                    var word = words[random.Next(words.Count)];
                    mutated = mutated.Remove(word.Index, word.Length).Insert(word.Index, Replacements[random.Next(Replacements.Length)]);
                    break;
                }

                case 3: // duplicate or drop a line
                {
                    var lines = mutated.Split('\n').ToList();
                    int line = random.Next(lines.Count);
                    if (random.Next(2) == 0)
                    {
                        lines.Insert(line, lines[line]);
                    }
                    else
                    {
                        lines.RemoveAt(line);
                    }

                    mutated = string.Join('\n', lines);
                    break;
                }

                default: // insert a token at a random place
                {
                    int at = random.Next(mutated.Length);
                    mutated = mutated.Insert(at, " " + Replacements[random.Next(Replacements.Length)] + " ");
                    break;
                }
            }
        }

        return mutated;
    }
}
