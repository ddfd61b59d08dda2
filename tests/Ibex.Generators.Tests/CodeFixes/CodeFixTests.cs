using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Ibex.CodeFixes;
using Ibex.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace Ibex.Generators.Tests.CodeFixes;

/// <summary>
/// Each code fix, applied to a declaration with its diagnostic as the IDE would, gives a declaration the generator accepts
/// and that compiles.
/// </summary>
public sealed class CodeFixTests
{
    private const string Usings = "using Ibex.Dsl;\nusing Ibex.Runtime;\n";

    [Fact]
    public async Task AddPartialMakesTheNetworkPartial()
    {
        string fixedSource = await ApplyFix(new AddPartialCodeFix(), "IBX0001",
            "namespace Fixes;\n[InfoRegularized(1)][Input(4)]\npublic class Plain\n{\n    [Stochastic, Dense(3)] public partial Layer Scores { get; }\n}\n");

        Assert.Contains("public partial class Plain", fixedSource);
        AssertAccepted(fixedSource);
    }

    [Fact]
    public async Task InsertFlattenDeclaresAFlattenLayerBeforeTheDense()
    {
        string fixedSource = await ApplyFix(new InsertFlattenCodeFix(), "IBX0111",
            "namespace Fixes;\n[InfoRegularized(1)][Input(1, 8, 8)]\npublic partial class Image\n{\n    [Stochastic, Conv2d(4, 3)] public partial Layer Convolve { get; }\n    [Stochastic, Dense(3)] public partial Layer Scores { get; }\n}\n");

        Assert.Contains("[Flatten] public partial Layer Flatten { get; }", fixedSource);
        Assert.True(fixedSource.IndexOf("Flatten {", System.StringComparison.Ordinal) < fixedSource.IndexOf("Scores", System.StringComparison.Ordinal));
        AssertAccepted(fixedSource);
    }

    [Theory]
    [InlineData("Conv2D(4, 3)", "Conv2d(4, 3)")]
    [InlineData("Relu", "ReLU")]
    [InlineData("Ibex.Dsl.Maxpool2d(2)", "Ibex.Dsl.MaxPool2d(2)")]
    public async Task RenameMisspelledAttributeWritesTheAttributeMeant(string typed, string meant)
    {
        string fixedSource = await ApplyFix(new RenameMisspelledAttributeCodeFix(), "IBX0118",
            $"namespace Fixes;\n[InfoRegularized(1)][Input(1, 8, 8)]\npublic partial class Typo\n{{\n    [Stochastic, Conv2d(4, 3)] public partial Layer Convolve {{ get; }}\n    [{typed}] public partial Layer Next {{ get; }}\n    [Flatten] public partial Layer Features {{ get; }}\n    [Stochastic, Dense(3)] public partial Layer Scores {{ get; }}\n}}\n");

        Assert.Contains($"[{meant}] public partial Layer Next", fixedSource);
        AssertAccepted(fixedSource);
    }

    /// <summary>Runs the generator on <paramref name="body"/>, applies <paramref name="fix"/> to its <paramref name="id"/> diagnostic in a workspace, and returns the new text.</summary>
    private static async Task<string> ApplyFix(CodeFixProvider fix, string id, string body)
    {
        string source = Usings + body;
        var outcome = GeneratorHarness.Run(source);
        var diagnostic = Assert.Single(outcome.GeneratorDiagnostics, d => d.Id == id);
        Assert.Contains(id, fix.FixableDiagnosticIds);

        using var workspace = new AdhocWorkspace();
        var project = workspace.AddProject("Fixes", LanguageNames.CSharp)
            .WithParseOptions(GeneratorHarness.ParseOptions)
            .WithMetadataReferences(GeneratorHarness.References.Value);
        var document = project.AddDocument("Declaration0.cs", SourceText.From(source));
        var tree = await document.GetSyntaxTreeAsync();
        var located = Diagnostic.Create(diagnostic.Descriptor, Location.Create(tree!, diagnostic.Location.SourceSpan), diagnostic.Properties);

        var actions = new List<CodeAction>();
        await fix.RegisterCodeFixesAsync(new CodeFixContext(document, located, (action, _) => actions.Add(action), CancellationToken.None));
        var operation = Assert.Single(await Assert.Single(actions).GetOperationsAsync(CancellationToken.None)).Should<ApplyChangesOperation>();
        var changed = operation.ChangedSolution.GetDocument(document.Id)!;
        return (await changed.GetTextAsync()).ToString();
    }

    private static void AssertAccepted(string source)
    {
        var outcome = GeneratorHarness.Run(source);
        Assert.Empty(outcome.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Empty(outcome.CompilationErrors);
    }
}

internal static class OperationAssertions
{
    public static T Should<T>(this CodeActionOperation operation) where T : CodeActionOperation
        => Assert.IsType<T>(operation);
}
