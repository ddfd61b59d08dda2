using System.Text.RegularExpressions;

namespace Ibex.Generators.Tests.Infrastructure;

internal static class Scrubbers
{
    private static readonly Regex GeneratorVersion = new(@"GeneratedCode\(""Ibex\.Generators"", ""[^""]+""\)", RegexOptions.Compiled);

    /// <summary>Replaces the generator version in [GeneratedCode], so that a version bump leaves approved files alone.</summary>
    public static string ScrubGeneratorVersion(string source)
        => GeneratorVersion.Replace(source, @"GeneratedCode(""Ibex.Generators"", ""<version>"")");
}
