namespace Ibex.Generators.Model
{
    /// <summary>What the parser made of one <c>[InfoRegularized]</c> class: a network to emit (null when an error makes
    /// generation pointless) and the diagnostics to report.</summary>
    /// <remarks>Must stay immutable and structurally equatable: it is part of the incremental pipeline's output.</remarks>
    internal sealed record NetworkParseResult(NetworkSpec? Network, EquatableArray<DiagnosticInfo> Diagnostics);
}
