using System;
using System.Text;

namespace Ibex.Generators.Emitting
{
    /// <summary>
    /// A small text writer that indents every line it writes and closes blocks for you, so that emitters read like the
    /// code they produce.
    /// </summary>
    internal sealed class IndentedTextWriter
    {
        private const string IndentUnit = "    ";
        private readonly StringBuilder builder = new();
        private int depth;

        /// <summary>Writes one line, or several: each line of <paramref name="text"/> gets the current indentation.</summary>
        public IndentedTextWriter WriteLine(string text = "")
        {
            foreach (var line in text.Split('\n'))
            {
                var content = line.TrimEnd('\r');
                if (content.Length > 0)
                {
                    for (int i = 0; i < depth; i++)
                    {
                        builder.Append(IndentUnit);
                    }

                    builder.Append(content);
                }

                builder.Append('\n');
            }

            return this;
        }

        /// <summary>Writes <c>{</c>, indents, and returns a handle whose disposal dedents and writes <paramref name="closing"/>.</summary>
        public Block WriteBlock(string closing = "}")
        {
            WriteLine("{");
            depth++;
            return new Block(this, closing);
        }

        public override string ToString() => builder.ToString();

        internal readonly struct Block : IDisposable
        {
            private readonly IndentedTextWriter writer;
            private readonly string closing;

            public Block(IndentedTextWriter writer, string closing)
            {
                this.writer = writer;
                this.closing = closing;
            }

            public void Dispose()
            {
                writer.depth--;
                writer.WriteLine(closing);
            }
        }
    }
}
