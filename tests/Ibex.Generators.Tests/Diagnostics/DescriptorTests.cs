using System.IO;
using System.Linq;
using System.Reflection;
using Ibex.Generators.Diagnostics;
using Ibex.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Ibex.Generators.Tests.Diagnostics;

/// <summary>Every diagnostic explains itself: a description beside its message, and a row in docs/dsl.md's table.</summary>
public sealed class DescriptorTests
{
    private static DiagnosticDescriptor[] All() => typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToArray();

    [Fact]
    public void EveryDiagnosticHasADescriptionAndADocumentedRow()
    {
        string reference = File.ReadAllText(Path.Combine(GeneratorHarness.RepositoryRoot(), "docs", "dsl.md"));
        var descriptors = All();

        Assert.NotEmpty(descriptors);
        Assert.Empty(descriptors.Where(d => d.Description.ToString(System.Globalization.CultureInfo.InvariantCulture).Length < 40).Select(d => d.Id));
        Assert.Empty(descriptors.Where(d => !reference.Contains($"| {d.Id} |", System.StringComparison.Ordinal)).Select(d => d.Id));
        Assert.Equal(descriptors.Length, descriptors.Select(d => d.Id).Distinct().Count());
    }
}
