using System.Collections.Generic;
using System.Linq;
using Ibex.Generators.Diagnostics;
using Ibex.Generators.Emitting;
using Ibex.Generators.Model;
using Ibex.Generators.Parsing;
using static Ibex.Generators.Emitting.CodeText;

namespace Ibex.Generators.Layers
{
    /// <summary><c>[Residual(from)]</c>: adds the output of the earlier layer <c>from</c> to the activations, which must have its shape.</summary>
    internal sealed class ResidualRule : LayerRule
    {
        public static ResidualRule Instance { get; } = new();

        private ResidualRule()
            : base("Residual")
        {
        }

        /// <param name="From">The layer whose output is added.</param>
        public sealed record Settings(string From) : LayerSettings
        {
            public override LayerRule Rule => Instance;
        }

        public override LayerShape? Read(LayerReading reading)
        {
            if (reading.Attribute.ConstructorArguments.Length != 1 || reading.Attribute.ConstructorArguments[0].Kind == Microsoft.CodeAnalysis.TypedConstantKind.Error)
            {
                return null;
            }

            string from = reading.Attribute.ConstructorArguments[0].Value as string ?? string.Empty;
            var earlier = reading.Earlier;
            var source = earlier.FirstOrDefault(l => l.Name == from);
            if (source is null)
            {
                string? closest = NearMiss.Closest(from, earlier.Select(l => l.Name));
                string advice = closest is not null
                    ? $"did you mean '{closest}'? Name it with nameof, [Residual(nameof({closest}))], so that a rename keeps it"
                    : earlier.Count == 0
                        ? "a residual connection needs a layer before it"
                        : $"the earlier layers are {string.Join(", ", earlier.Select(l => l.Name))}; name one with nameof, for example [Residual(nameof({earlier[earlier.Count - 1].Name}))]";
                reading.Report(DiagnosticDescriptors.ResidualSourceNotFound, reading.Name, from, advice);
                return null;
            }

            if (reading.Input is not { } input)
            {
                return null;
            }

            if (!source.OutputShape.SequenceEqual(input))
            {
                reading.Report(DiagnosticDescriptors.ResidualShapeMismatch, reading.Name, from, Shape(source.OutputShape), Shape(input));
                return null;
            }

            return new LayerShape(new Settings(from), input, input);
        }

        public override string? ReadsOutputOf(LayerSpec layer) => ((Settings)layer.Settings).From;

        public override string Summary(LayerSpec layer) => $"residual connection, adds the output of {((Settings)layer.Settings).From}";

        public override IEnumerable<string> PassScalars(LayerSpec layer) => new[] { "one = 1" };

        public override void WriteForward(IndentedTextWriter writer, NetworkSpec network, LayerSpec layer, bool training)
            => writer.WriteLine($"x = x.add({LayerSpec.LocalOf(((Settings)layer.Settings).From, "output")}, one);");

        public override DeclarationFields Declaration(LayerSpec layer) => new(From: ((Settings)layer.Settings).From);
    }
}
