using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Ibex.Generators.Model
{
    /// <summary>An equatable description of a diagnostic: the descriptor, where it points, and the message arguments.</summary>
    /// <remarks>Must stay immutable and structurally equatable: it is part of the incremental pipeline's output.</remarks>
    internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> MessageArguments)
    {
        /// <summary>What the diagnostic suggests writing instead ("did you mean"), for a code fix; null when nothing.</summary>
        public string? Suggestion { get; init; }

        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] messageArguments)
            => new(descriptor, location, new EquatableArray<string>(messageArguments));

        public Diagnostic ToDiagnostic(Compilation compilation)
            => Diagnostic.Create(Descriptor, Location?.ToLocation(compilation),
                Suggestion is null ? null : ImmutableDictionary<string, string?>.Empty.Add(Diagnostics.DiagnosticProperties.Suggestion, Suggestion),
                MessageArguments.Cast<object>().ToArray());
    }
}
