namespace Ibex.Generators.Model
{
    /// <summary>What the parser made of one <c>[InfoRegularized]</c> class: a network to emit (null when an error makes
    /// generation pointless), the diagnostics to report, and for a refused network the throwing part that keeps the compiler
    /// from adding an error per layer property.</summary>
    /// <remarks>Must stay immutable and structurally equatable: it is part of the incremental pipeline's output.</remarks>
    internal sealed record NetworkParseResult(NetworkSpec? Network, EquatableArray<DiagnosticInfo> Diagnostics, FallbackSpec? Fallback = null);
}
