using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Ibex.Generators.Emitting
{
    /// <summary>The names generated code refers to, fully qualified, and the way it writes literals.</summary>
    internal static class CodeText
    {
        public const string Torch = "global::TorchSharp.torch";
        public const string Functional = "global::TorchSharp.torch.nn.functional";
        public const string Tensor = "global::TorchSharp.torch.Tensor";
        public const string Parameter = "global::TorchSharp.Modules.Parameter";
        public const string Runtime = "global::Ibex.Runtime";

        /// <summary>The layer modules that hold each layer's parameters (a rule's <c>RuntimeClass</c> names one).</summary>
        public const string RuntimeLayers = "global::Ibex.Runtime.Layers";

        /// <summary>The mean graph the generated <c>WriteMeanGraph</c> records, for export and compression.</summary>
        public const string Export = "global::Ibex.Runtime.Export";

        /// <summary>The runtime's kernels and information terms, public for generated code only.</summary>
        public const string CompilerServices = "global::Ibex.Runtime.CompilerServices";

        /// <summary>
        /// A declared name as generated code must write it: with '@' where it is a C# keyword, reserved or contextual
        /// (a property declared <c>@in</c> is named "in", and <c>partial Layer in</c> does not compile).
        /// </summary>
        public static string Identifier(string name)
            => Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None
                || Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetContextualKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None
                ? "@" + name
                : name;

        /// <summary>A shape as "1, 28, 28".</summary>
        public static string Shape(IEnumerable<int> shape) => string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));

        /// <summary>A <c>new long[] { … }</c> literal of the same values.</summary>
        public static string Longs(params int[] values) => $"new long[] {{ {string.Join(", ", values)} }}";

        public static string Bool(bool value) => value ? "true" : "false";

        /// <summary>A double literal that round-trips and always reads as a double (1.0, not 1).</summary>
        public static string Number(double value)
        {
            string text = value.ToString("R", CultureInfo.InvariantCulture);
            return text.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? text : text + ".0";
        }
    }
}
