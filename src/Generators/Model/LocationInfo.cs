using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Ibex.Generators.Model
{
    /// <summary>
    /// A source location reduced to equatable values (file path and spans), so that it can sit in a cached model.
    /// </summary>
    /// <remarks>Must stay immutable and structurally equatable: it is part of the incremental pipeline's output.</remarks>
    internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
    {
        /// <summary>
        /// The location in the compilation's own syntax tree when there is one, so that <c>#pragma warning disable</c>
        /// and editor squiggles work (an external-file location would silently defeat both).
        /// </summary>
        public Location ToLocation(Compilation compilation)
        {
            var tree = compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == FilePath);
            return tree is null ? Location.Create(FilePath, Span, LineSpan) : Location.Create(tree, Span);
        }

        public static LocationInfo? From(SyntaxNode? node) => From(node?.GetLocation());

        public static LocationInfo? From(Location? location)
        {
            if (location is null || location.SourceTree is null)
            {
                return null;
            }

            return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
        }
    }
}
