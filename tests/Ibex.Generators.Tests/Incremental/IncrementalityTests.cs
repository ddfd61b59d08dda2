using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Ibex.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Ibex.Generators.Tests.Incremental;

public sealed class IncrementalityTests
{
    private static readonly IncrementalStepRunReason[] CachedOrUnchanged = { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged };

    private const string Declaration = """
        using Ibex.Dsl;
        using Ibex.Runtime;

        namespace Sample;

        [InfoRegularized(1.0)]
        [Input(20)]
        public partial class TinyNetwork
        {
            [Stochastic, Dense(8)] public partial Layer Hidden { get; }
            [ReLU] public partial Layer Activation { get; }
            [Stochastic, Dense(3)] public partial Layer Scores { get; }
        }

        public static class Helpers
        {
            public static int Answer() => 42;
        }
        """;

    [Fact]
    public void SameCompilationTwiceKeepsEveryStepCached()
    {
        var result = RunBeforeAndAfter(compilation => compilation.Clone());

        // A new compilation object re-runs the semantic transform; its equal result must stop the pipeline there.
        Assert.All(Reasons(result, TrackingNames.ParseNetwork), reason => Assert.Contains(reason, CachedOrUnchanged));
        Assert.All(Reasons(result, TrackingNames.Network), reason => Assert.Equal(IncrementalStepRunReason.Cached, reason));

        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void UnrelatedFileLeavesTheModelCached()
    {
        var result = RunBeforeAndAfter(compilation =>
            compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("public struct Unrelated { }", GeneratorHarness.ParseOptions, path: "Unrelated.cs")));

        Assert.All(Reasons(result, TrackingNames.ParseNetwork), reason => Assert.Contains(reason, CachedOrUnchanged));
        Assert.All(Reasons(result, TrackingNames.Network), reason => Assert.Equal(IncrementalStepRunReason.Cached, reason));
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void UnrelatedEditInTheSameFileLeavesTheModelUnchanged()
    {
        var result = RunBeforeAndAfter(compilation => ReplaceInDeclaration(compilation, "42", "43"));
        Assert.All(Reasons(result, TrackingNames.ParseNetwork), reason => Assert.Equal(IncrementalStepRunReason.Unchanged, reason));
        Assert.All(Reasons(result, TrackingNames.Network), reason => Assert.Equal(IncrementalStepRunReason.Cached, reason));
    }

    [Fact]
    public void ChangingALayerArgumentModifiesTheModel()
    {
        var result = RunBeforeAndAfter(compilation => ReplaceInDeclaration(compilation, "Dense(8)", "Dense(9)"));
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(result, TrackingNames.ParseNetwork));
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(result, TrackingNames.Network));
    }

    [Fact]
    public void NoStepOutputHoldsSymbolsSyntaxOrCompilations()
    {
        var compilation = GeneratorHarness.CreateCompilation(Declaration, "[Ibex.Dsl.InfoRegularized(-1)] public partial class Broken { }");
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var result = driver.GetRunResult().Results.Single();
        var outputs = result.TrackedSteps
            .Where(step => step.Key is TrackingNames.ParseNetwork or TrackingNames.Network or TrackingNames.Diagnostics)
            .SelectMany(step => step.Value)
            .SelectMany(run => run.Outputs)
            .Select(output => output.Value)
            .ToList();

        Assert.NotEmpty(outputs);
        foreach (var output in outputs)
        {
            AssertNoRoslynObjects(output, new HashSet<object>(ReferenceEqualityComparer.Instance), path: output.GetType().Name);
        }
    }

    /// <summary>Runs the generator on the declaration, then again on <paramref name="edit"/> of it; the second run's result.</summary>
    private static GeneratorRunResult RunBeforeAndAfter(Func<CSharpCompilation, CSharpCompilation> edit)
    {
        var compilation = GeneratorHarness.CreateCompilation(Declaration);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        return driver.RunGenerators(edit(compilation)).GetRunResult().Results.Single();
    }

    private static CSharpCompilation ReplaceInDeclaration(CSharpCompilation compilation, string text, string replacement)
    {
        var tree = compilation.SyntaxTrees.Single();
        var changed = tree.WithChangedText(tree.GetText().Replace(Declaration.IndexOf(text, StringComparison.Ordinal), text.Length, replacement));
        return compilation.ReplaceSyntaxTree(tree, changed);
    }

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string stepName)
    {
        var reasons = result.TrackedSteps[stepName].SelectMany(step => step.Outputs).Select(output => output.Reason).ToList();
        Assert.NotEmpty(reasons);
        return reasons;
    }

    private static void AssertNoRoslynObjects(object? value, HashSet<object> visited, string path)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !visited.Add(value))
        {
            return;
        }

        Assert.False(value is Compilation, $"{path} holds a Compilation");
        Assert.False(value is ISymbol, $"{path} holds a symbol");
        Assert.False(value is SyntaxNode, $"{path} holds a syntax node");
        Assert.False(value is SyntaxTree, $"{path} holds a syntax tree");
        Assert.False(value is SemanticModel, $"{path} holds a semantic model");

        // DiagnosticDescriptor is a static, immutable description: safe to hold.
        if (value is DiagnosticDescriptor)
        {
            return;
        }

        if (value is IEnumerable sequence)
        {
            int index = 0;
            foreach (var item in sequence)
            {
                AssertNoRoslynObjects(item, visited, $"{path}[{index++}]");
            }
        }

        foreach (var field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertNoRoslynObjects(field.GetValue(value), visited, $"{path}.{field.Name}");
        }
    }
}
