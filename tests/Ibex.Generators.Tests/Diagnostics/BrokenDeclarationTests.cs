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
    private const string Valid = """
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

    private static readonly string[] Replacements =
    {
        "0", "-1", "-0.0", "1e308", "double.NaN", "double.PositiveInfinity", "int.MaxValue", "\"text\"", "null", "",
        "partial", "static", "Dense", "ReLU", "Stochastic", "Input", "Layer", "int", "{", "}", "(", ")", "[", "]", ",", ";",
        "class", "struct", "record", "abstract", "get; set;", "=> null!", "<T>", "Target", "Hidden",
    };

    [Fact]
    public void TwoHundredFiftyMutatedDeclarationsNeverCrashTheGeneratorNorYieldUncompilableCode()
    {
        int seed = Random.Shared.Next();
        var random = new Random(seed);
        var cases = Enumerable.Range(0, 250).Select(_ => Mutate(Valid, random)).ToList();
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

        Assert.True(withDiagnostics > 25, $"only {withDiagnostics} of 250 mutations produced an IBX diagnostic (seed {seed})");
        Assert.True(generated > 25, $"only {generated} of 250 mutations still generated code (seed {seed})");
    }

    [Theory]
    [InlineData("[InfoRegularized(")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [Dense(] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [Dense(3)] public partial Layer")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [Dense(3)] public partial Layer X { get; } [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [Dense(3)] public partial Layer X { get; } } public partial class N { }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [Dense(\"3\")] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(\"x\")] [Input(4)] public partial class N { [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(\"4\")] public partial class N { [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(null)] public partial class N { [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial class N { [ELU(Alpha = double.PositiveInfinity)] public partial Layer E { get; } [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial record N { [Dense(3)] public partial Layer X { get; } }")]
    [InlineData("[InfoRegularized(1)] [Input(4)] public partial struct N { [Dense(3)] public partial Layer X { get; } }")]
    public void HandWrittenHalfTypedDeclarationsAreHandled(string declaration)
    {
        var outcome = GeneratorHarness.Run("using Ibex.Dsl;\nusing Ibex.Runtime;\n" + declaration);

        Assert.Null(outcome.GeneratorException);
        Assert.DoesNotContain(outcome.CompilationErrors, d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true && !IsCausedByTheDeclaration(d));
    }

    /// <summary>
    /// Errors that sit in the generated file but are the declaration's own fault: the generated half of a partial member
    /// repeats what the user wrote (a duplicate member, a conflicting modifier), so the compiler reports both halves.
    /// </summary>
    private static bool IsCausedByTheDeclaration(Diagnostic diagnostic) => diagnostic.Id is
        "CS0102" // duplicate member: the user declared the same layer name twice
        or "CS0111" or "CS0121" or "CS0229" // ambiguity from the user's duplicate
        or "CS9250" or "CS9251" or "CS9252" or "CS9253" // partial property parts disagree because the user's part is malformed
        or "CS8799" or "CS8800"; // accessibility or modifiers of partial parts

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
