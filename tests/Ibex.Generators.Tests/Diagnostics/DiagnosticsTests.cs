using System.Linq;
using Ibex.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Ibex.Generators.Tests.Diagnostics;

/// <summary>Each diagnostic fires at the marked span <c>[|…|]</c> with its severity; valid near-misses report nothing.</summary>
public sealed class DiagnosticsTests
{
    private const string Usings = "using Ibex.Dsl;\nusing Ibex.Runtime;\n";
    private const string Scores = "[Stochastic, Dense(3)] public partial Layer Scores { get; }";

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
    [InlineData("IBX0005", "[InfoRegularized(1)][[|Input(1, 28, 28)|]] public partial class N { " + Scores + " }")]
    [InlineData("IBX0005", "[InfoRegularized(1)][[|Input()|]] public partial class N { " + Scores + " }")]
    [InlineData("IBX0006", "[InfoRegularized(1)][Input(4)] public partial class [|Empty|] { }")]
    [InlineData("IBX0007", "[InfoRegularized(1)][Input(4)] public partial class [|N|] { " + Scores + " [ReLU] public partial Layer Last { get; } }")]
    [InlineData("IBX0101", "[InfoRegularized(1)][Input(4)] public partial class N { [Dense(3)] public Layer [|NotPartial|] { get; } }")]
    [InlineData("IBX0101", "[InfoRegularized(1)][Input(4)] public partial class N { [Dense(3)] public partial int [|WrongType|] { get; } }")]
    [InlineData("IBX0101", "[InfoRegularized(1)][Input(4)] public partial class N { [Dense(3)] public static partial Layer [|Static|] { get; } }")]
    [InlineData("IBX0102", "[InfoRegularized(1)][Input(4)] public partial class N { [Dense(3), ReLU] public partial Layer [|Both|] { get; } }")]
    [InlineData("IBX0103", "[InfoRegularized(1)][Input(4)] public partial class N { [[|Stochastic|]] public partial Layer Alone { get; } " + Scores + " }")]
    [InlineData("IBX0104", "[InfoRegularized(1)][Input(4)] public partial class N { [[|Stochastic|], ReLU] public partial Layer Act { get; } " + Scores + " }")]
    [InlineData("IBX0105", "[InfoRegularized(1)][Input(4)] public partial class N { [[|Dense(0)|]] public partial Layer Zero { get; } }")]
    [InlineData("IBX0106", "[InfoRegularized(1)][Input(4)] public partial class [|N|] { [Dense(3)] public partial Layer Scores { get; } }")]
    [InlineData("IBX0107", "[InfoRegularized(1)][Input(4)] public partial class N { [Stochastic, Dense(8)] public partial Layer Hidden { get; } [Stochastic, Dense(3)] public partial Layer [|hidden|] { get; } }")]
    [InlineData("IBX0108", "[InfoRegularized(1)][Input(4)] public partial class N { private int [|scoresLayer|]; " + Scores + " }")]
    [InlineData("IBX0108", "[InfoRegularized(1)][Input(4)] public partial class N { public static int [|LogAlphaMax|] = 3; " + Scores + " }")]
    [InlineData("IBX0109", "[InfoRegularized(1)][Input(4)] public partial class N { [[|ELU(Alpha = double.NaN)|]] public partial Layer Bend { get; } " + Scores + " }")]
    [InlineData("IBX0201", "[[|InfoRegularized(-1)|]][Input(4)] public partial class N { " + Scores + " }")]
    [InlineData("IBX0201", "[[|InfoRegularized(double.NaN)|]][Input(4)] public partial class N { " + Scores + " }")]
    [InlineData("IBX0201", "[[|InfoRegularized(1, AlphaMax = 0)|]][Input(4)] public partial class N { " + Scores + " }")]
    [InlineData("IBX0201", "[[|InfoRegularized(1, MinLogAlpha = 2)|]][Input(4)] public partial class N { " + Scores + " }")]
    [InlineData("IBX0201", "[[|InfoRegularized(1, InitialLogAlpha = 3)|]][Input(4)] public partial class N { " + Scores + " }")]
    [InlineData("IBX0201", "[InfoRegularized(1)][Input(4)] public partial class N { [[|Stochastic(InitialLogAlpha = -30)|], Dense(3)] public partial Layer Scores { get; } }")]
    [InlineData("IBX0202", "[[|InfoRegularized(1, AlphaMax = 1)|]][Input(4)] public partial class N { " + Scores + " }")]
    public void ReportsAtTheMarkedSpan(string id, string markedSource)
    {
        var (source, span) = Markup.Parse(Usings + markedSource);

        var outcome = GeneratorHarness.Run(source);

        Assert.Null(outcome.GeneratorException);
        var diagnostic = Assert.Single(outcome.GeneratorDiagnostics, d => d.Id == id);
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        Assert.Equal(id is "IBX0106" or "IBX0202" ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, diagnostic.Severity);
        // A location in the compilation's own tree is what lets #pragma warning disable apply (tests/Ibex.Runtime.Tests
        // relies on it: it builds with warnings as errors and silences IBX0202 that way).
        Assert.True(diagnostic.Location.IsInSource, "the location must be in the real syntax tree so that #pragma applies");
        Assert.DoesNotContain("{", diagnostic.GetMessage().Replace("{ get; }", string.Empty));
    }

    [Theory]
    [InlineData("[InfoRegularized(1)][Input(4)] public partial class Valid { " + Scores + " }")]
    [InlineData("[InfoRegularized(0)][Input(4)] public partial class ZeroBeta { " + Scores + " }")]
    [InlineData("[InfoRegularized(1, AlphaMax = 1.5)][Input(4)] public partial class CapAtThreshold { " + Scores + " }")]
    [InlineData("[InfoRegularized(1, InitialLogAlpha = -10)][Input(4)] public partial class InitialAtFloor { " + Scores + " }")]
    [InlineData("[InfoRegularized(1)][Input(4)] public partial class WithHelpers { public int Count { get; } " + Scores + " }")]
    [InlineData("[InfoRegularized(1)][Input(4)] internal partial class InternalLayers { [Stochastic, Dense(3)] internal partial Layer Scores { get; } }")]
    [InlineData("[InfoRegularized(1)][Input(4)] public partial class WithInterface : System.IComparable { public int CompareTo(object? o) => 0; " + Scores + " }")]
    public void ValidNearMissesReportNothingAndCompile(string source)
    {
        var outcome = GeneratorHarness.Run(Usings + source);

        Assert.Null(outcome.GeneratorException);
        Assert.Empty(outcome.GeneratorDiagnostics);
        Assert.Empty(outcome.CompilationErrors);
        Assert.Single(outcome.GeneratedSources);
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
