using Ibex.Generators.Model;

namespace Ibex.Generators.Emitting
{
    /// <summary>
    /// Writes the part of a refused network that keeps the compiler quiet: its partial layer properties, each throwing.
    /// The Ibex diagnostics say what to fix; nothing of this part runs in a program that builds without them.
    /// </summary>
    internal static class FallbackEmitter
    {
        public static string Emit(FallbackSpec fallback)
            => GeneratedFile.Write(fallback.Namespace, writer => WriteClass(writer, fallback));

        private static void WriteClass(IndentedTextWriter writer, FallbackSpec fallback, int depth = 0)
        {
            if (depth == fallback.TypeHeaders.Count - 1)
            {
                writer.WriteLine($"/// <summary>Ibex could not generate {fallback.TypeName}: its IBX errors say why. Until they are fixed, its layers throw.</summary>");
            }

            writer.WriteLine(fallback.TypeHeaders[depth]);
            using (writer.WriteBlock())
            {
                if (depth < fallback.TypeHeaders.Count - 1)
                {
                    WriteClass(writer, fallback, depth + 1);
                    return;
                }

                foreach (var property in fallback.Properties)
                {
                    string prefix = property.Modifiers.Length == 0 ? string.Empty : property.Modifiers + " ";
                    writer.WriteLine($"{prefix}partial {property.TypeName} {CodeText.Identifier(property.Name)} => throw new global::System.InvalidOperationException(\"{fallback.TypeName} has Ibex errors (IBX…); fix them to generate its layers.\");");
                }
            }
        }
    }
}
