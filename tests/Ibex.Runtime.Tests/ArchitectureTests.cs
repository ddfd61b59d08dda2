using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using Xunit;

namespace Ibex.Runtime.Tests;

/// <summary>
/// The runtime's layers (docs/architecture.md): every namespace sits in one layer and references only the layers below it;
/// namespaces in the same layer do not reference each other; nothing but generated code references CompilerServices; only
/// Hosting uses Microsoft.Extensions; and every source file's folder is its namespace. A new folder fails <see cref="EveryNamespaceHasALayer"/> until it is placed.
/// </summary>
public sealed class ArchitectureTests
{
    /// <summary>Bottom to top. A namespace may use any namespace of a lower layer, none of its own layer or above.</summary>
    private static readonly string[][] Layers =
    [
        ["Ibex.Runtime.Native", "Ibex.Runtime.IO"],
        ["Ibex.Runtime.Kernels"],
        ["Ibex.Runtime"],
        ["Ibex.Runtime.Layers", "Ibex.Runtime.CompilerServices", "Ibex.Runtime.Persistence", "Ibex.Runtime.Reports", "Ibex.Runtime.Data", "Ibex.Runtime.Distributed", "Ibex.Runtime.Evaluation", "Ibex.Runtime.Likelihoods"],
        ["Ibex.Runtime.Export"],
        ["Ibex.Runtime.Compression"],
        ["Ibex.Runtime.Training", "Ibex.Runtime.Prediction"],
        ["Ibex.Runtime.Telemetry"],
        ["Ibex.Runtime.Runs"],
        ["Ibex.Runtime.Hosting"],
    ];

    private static readonly Lazy<IReadOnlyList<(string From, string To, string Example)>> References = new(ReadReferences);

    [Fact]
    public void EveryNamespaceHasALayer()
    {
        var placed = Layers.SelectMany(l => l).ToHashSet(StringComparer.Ordinal);
        var present = RuntimeNamespaces();
        var unplaced = present.Where(n => !placed.Contains(n)).ToArray();
        Assert.True(unplaced.Length == 0, $"Namespaces with no layer: {string.Join(", ", unplaced)}. Add each to ArchitectureTests.Layers and docs/architecture.md.");

        var gone = placed.Where(n => !present.Contains(n)).ToArray();
        Assert.True(gone.Length == 0, $"Layers name namespaces the runtime no longer has: {string.Join(", ", gone)}.");
    }

    [Fact]
    public void EveryReferencePointsToALowerLayer()
    {
        var layerOf = Layers.SelectMany((names, level) => names.Select(n => (n, level))).ToDictionary(p => p.n, p => p.level, StringComparer.Ordinal);
        var upward = References.Value
            .Where(r => layerOf.ContainsKey(r.From) && layerOf.ContainsKey(r.To) && layerOf[r.To] >= layerOf[r.From])
            .Select(r => $"{r.From} → {r.To} ({r.Example})")
            .ToArray();
        Assert.True(upward.Length == 0, "References to the same or a higher layer:\n" + string.Join("\n", upward));
    }

    [Fact]
    public void NamespacesFormNoCycle()
    {
        // Implied by the layer order, and checked on its own so that a wrong layer table cannot hide a cycle.
        var edges = References.Value.GroupBy(r => r.From).ToDictionary(g => g.Key, g => g.Select(r => r.To).Distinct().ToArray());
        var state = new Dictionary<string, int>();
        var path = new Stack<string>();
        string? cycle = null;

        void Visit(string node)
        {
            state[node] = 1;
            path.Push(node);
            foreach (var next in edges.GetValueOrDefault(node, []))
            {
                if (cycle is not null)
                {
                    return;
                }

                if (state.GetValueOrDefault(next) == 1)
                {
                    cycle = string.Join(" → ", path.Reverse().SkipWhile(n => n != next).Append(next));
                    return;
                }

                if (state.GetValueOrDefault(next) == 0)
                {
                    Visit(next);
                }
            }

            path.Pop();
            state[node] = 2;
        }

        foreach (var node in edges.Keys.Where(n => state.GetValueOrDefault(n) == 0))
        {
            Visit(node);
        }

        Assert.True(cycle is null, $"Namespace cycle: {cycle}");
    }

    [Fact]
    public void OnlyGeneratedCodeReferencesCompilerServices()
    {
        var callers = References.Value.Where(r => r.To == "Ibex.Runtime.CompilerServices").Select(r => $"{r.From} ({r.Example})").ToArray();
        Assert.True(callers.Length == 0, "CompilerServices is the facade generated code calls; runtime code uses Kernels instead: " + string.Join(", ", callers));
    }

    [Fact]
    public void OnlyHostingUsesMicrosoftExtensions()
    {
        // Hosting is the adapter to Microsoft.Extensions (Hosting, Options, Logging, DI); everything below runs without a host.
        var users = ArchitectureOfRuntime.Value.Types
            .Where(t => IsRuntime(t.Namespace?.FullName ?? "") && t.Namespace!.FullName != "Ibex.Runtime.Hosting")
            .SelectMany(t => t.Dependencies.Where(d => d.Target?.Namespace?.FullName.StartsWith("Microsoft.Extensions", StringComparison.Ordinal) == true)
                .Select(d => $"{t.FullName} uses {d.Target.FullName}"))
            .Distinct()
            .ToArray();
        Assert.True(users.Length == 0, "Microsoft.Extensions outside Hosting:\n" + string.Join("\n", users));
    }

    [Fact]
    public void EverySourceFilesFolderIsItsNamespace()
    {
        string source = Path.Combine(RepositoryFolder.Root, "src", "Runtime");
        var declaration = new Regex(@"^namespace\s+([\w.]+)", RegexOptions.Multiline);
        var wrong = new List<string>();
        foreach (var file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            if (relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }

            string folder = Path.GetDirectoryName(relative)!;
            string expected = folder.Length == 0 ? "Ibex.Runtime" : "Ibex.Runtime." + folder.Replace(Path.DirectorySeparatorChar, '.');
            var declared = declaration.Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value).Distinct().ToArray();
            if (declared.Length != 1 || declared[0] != expected)
            {
                wrong.Add($"{relative} declares {string.Join(", ", declared.DefaultIfEmpty("no namespace"))}, its folder says {expected}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    private static HashSet<string> RuntimeNamespaces()
        => ArchitectureOfRuntime.Value.Types.Select(t => t.Namespace?.FullName ?? "").Where(IsRuntime).ToHashSet(StringComparer.Ordinal);

    private static readonly Lazy<Architecture> ArchitectureOfRuntime = new(() => new ArchLoader().LoadAssemblies(typeof(InformationNetwork).Assembly).Build());

    private static IReadOnlyList<(string From, string To, string Example)> ReadReferences()
    {
        var references = new List<(string, string, string)>();
        foreach (var type in ArchitectureOfRuntime.Value.Types)
        {
            string from = type.Namespace?.FullName ?? "";
            if (!IsRuntime(from))
            {
                continue;
            }

            foreach (var dependency in type.Dependencies.Where(d => d.Target is not GenericParameter))
            {
                string to = dependency.Target?.Namespace?.FullName ?? "";
                if (IsRuntime(to) && to != from)
                {
                    references.Add((from, to, $"{type.Name} uses {dependency.Target!.Name}"));
                }
            }
        }

        return references.Distinct().ToArray();
    }

    private static bool IsRuntime(string name) => name == "Ibex.Runtime" || name.StartsWith("Ibex.Runtime.", StringComparison.Ordinal);
}
