using System.Linq;
using Microsoft.CodeAnalysis;

namespace Ibex.Generators.Model
{
    /// <summary>An equatable description of a diagnostic: the descriptor, where it points, and the message arguments.</summary>
    /// <remarks>Must stay immutable and structurally equatable: it is part of the incremental pipeline's output.</remarks>
    internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> MessageArguments)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] messageArguments)
            => new(descriptor, location, new EquatableArray<string>(messageArguments));

        public Diagnostic ToDiagnostic(Compilation compilation)
            => Diagnostic.Create(Descriptor, Location?.ToLocation(compilation), MessageArguments.Cast<object>().ToArray());
    }
}
