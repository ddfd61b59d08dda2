using System.Collections.Generic;
using System.Linq;
using Ibex.Generators.Diagnostics;
using Ibex.Generators.Emitting;
using Ibex.Generators.Model;
using Ibex.Generators.Parsing;
using static Ibex.Generators.Emitting.CodeText;
using static Ibex.Generators.Parsing.AttributeReading;

namespace Ibex.Generators.Layers
{
    /// <summary>
    /// <c>[Residual(from, Projection)]</c>: adds the output of the earlier layer <c>from</c> to the activations. With
    /// <c>Projection = true</c> the skip path is a learned linear map (He et al. 2016, option B): a 1×1 convolution with the
    /// stride that brings the block's input to its output size for images, a bias-free Dense map for flat activations.
    /// </summary>
    internal sealed class ResidualRule : LayerRule
    {
        public static ResidualRule Instance { get; } = new();

        private ResidualRule()
            : base("Residual")
        {
        }

        /// <param name="From">The layer whose output is added.</param>
        /// <param name="ProjectionStride">0 for an identity shortcut; otherwise the projection's stride (1 for flat activations).</param>
        /// <param name="ShortcutDepth">The channels (or features) of <paramref name="From"/>'s output, which a projection maps.</param>
        public sealed record Settings(string From, int ProjectionStride, int ShortcutDepth) : LayerSettings
        {
            public override LayerRule Rule => Instance;

            public bool Projects => ProjectionStride > 0;
        }

        private static int IndexOf(IReadOnlyList<string> names, string name)
        {
            for (int i = 0; i < names.Count; i++)
            {
                if (names[i] == name)
                {
                    return i;
                }
            }

            return -1;
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
            int position = IndexOf(reading.Declared, reading.Name);
            int sourcePosition = IndexOf(reading.Declared, from);
            if (source is null && sourcePosition >= 0 && sourcePosition < position)
            {
                return null; // a layer declared before this one but in error: its own diagnostic says why, and one mistake gets one error
            }

            if (source is null && sourcePosition >= position)
            {
                string where = sourcePosition == position
                    ? "a residual cannot add its own output"
                    : $"'{from}' is declared after '{reading.Name}'; a residual adds the output of a layer above it: move the Residual below '{from}', or name the layer where the block starts";
                reading.Report(DiagnosticDescriptors.ResidualSourceNotFound, reading.Name, from, where);
                return null;
            }

            if (source is null)
            {
                string? closest = NearMiss.Closest(from, earlier.Select(l => l.Name));
                string advice = closest is not null
                    ? $"did you mean '{closest}'? Name it with nameof, [Residual(nameof({closest}))], so that a rename keeps it"
                    : earlier.Count == 0
                        ? "a residual connection needs a layer before it"
                        : $"the earlier layers are {string.Join(", ", earlier.Select(l => l.Name))}; name one with nameof, for example [Residual(nameof({earlier[earlier.Count - 1].Identifier}))]";
                reading.Report(DiagnosticDescriptors.ResidualSourceNotFound, reading.Name, from, advice);
                return null;
            }

            if (reading.Input is not { } input)
            {
                return null;
            }

            if (sourcePosition == position - 1)
            {
                reading.Report(DiagnosticDescriptors.ResidualOfItsOwnInput, reading.Name, from);
            }

            bool projection = reading.Named("Projection", false);
            var start = source.OutputShape.ToArray();
            if (!projection)
            {
                if (!start.SequenceEqual(input))
                {
                    reading.Report(DiagnosticDescriptors.ResidualShapeMismatch, reading.Name, from, Shape(start), Shape(input),
                        start.Length == input.Length ? $"; or learn a projection of the shortcut: [Residual(nameof({from}), Projection = true)]" : "");
                    return null;
                }

                return new LayerShape(new Settings(from, 0, start[0]), input, input);
            }

            int stride = ProjectionStride(start, input);
            if (stride == 0)
            {
                reading.InvalidArgument("Projection", "true",
                    $"no 1×1 convolution maps '{from}' [{Shape(start)}] to [{Shape(input)}]: "
                    + (start.Length != input.Length
                        ? "the shortcut must stay an image or stay flat"
                        : "the block must keep the height and width or divide them by one stride, as a strided convolution does"));
                return null;
            }

            return new LayerShape(new Settings(from, stride, start[0]), input, input);
        }

        /// <summary>
        /// The smallest stride s with ⌊(H − 1)/s⌋ + 1 = H′ and ⌊(W − 1)/s⌋ + 1 = W′ (a 1×1 convolution's output size), 1 for flat
        /// activations, or 0 when none fits.
        /// </summary>
        private static int ProjectionStride(int[] start, int[] end)
        {
            if (start.Length != end.Length)
            {
                return 0;
            }

            if (start.Length == 1)
            {
                return 1;
            }

            for (int stride = 1; stride <= System.Math.Max(start[1], start[2]); stride++)
            {
                if ((start[1] - 1) / stride + 1 == end[1] && (start[2] - 1) / stride + 1 == end[2])
                {
                    return stride;
                }
            }

            return 0;
        }

        public override string? ReadsOutputOf(LayerSpec layer) => ((Settings)layer.Settings).From;

        public override string RuntimeClass(LayerSpec layer)
            => !((Settings)layer.Settings).Projects ? base.RuntimeClass(layer) : layer.InputShape.Count == 3 ? "Conv2dLayer" : "DenseLayer";

        public override string ConstructorArguments(NetworkSpec network, LayerSpec layer)
        {
            var settings = (Settings)layer.Settings;
            if (!settings.Projects)
            {
                return base.ConstructorArguments(network, layer);
            }

            int inputs = settings.ShortcutDepth;
            return layer.InputShape.Count == 3
                ? $"inChannels: {inputs}, outChannels: {layer.InputShape[0]}, kernel: 1, hasBias: false, device: device"
                : $"inFeatures: {inputs}, outFeatures: {layer.InputShape[0]}, hasBias: false, device: device";
        }

        public override IEnumerable<string> MeanParameters(LayerSpec layer)
            => ((Settings)layer.Settings).Projects ? new[] { $"{layer.FieldName}.Weight" } : base.MeanParameters(layer);

        public override string Describe(LayerSpec layer)
            => ((Settings)layer.Settings).Projects ? $"{layer.Name} (Residual, projected)" : base.Describe(layer);

        public override string Summary(LayerSpec layer)
        {
            var settings = (Settings)layer.Settings;
            if (!settings.Projects)
            {
                return $"residual connection, adds the output of {settings.From}";
            }

            return layer.InputShape.Count == 3
                ? $"residual connection, adds the output of {settings.From} through a learned 1×1 convolution, stride {settings.ProjectionStride} (projection shortcut)"
                : $"residual connection, adds the output of {settings.From} through a learned linear map (projection shortcut)";
        }

        public override IEnumerable<string> PassScalars(LayerSpec layer) => new[] { "one = 1" };

        public override void WriteForward(IndentedTextWriter writer, NetworkSpec network, LayerSpec layer, bool training)
        {
            var settings = (Settings)layer.Settings;
            string shortcut = LayerSpec.LocalOf(settings.From, "output");
            if (!settings.Projects)
            {
                writer.WriteLine($"x = x.add({shortcut}, one);");
                return;
            }

            string projection = layer.Local("projection");
            writer.WriteLine(layer.InputShape.Count == 3
                ? $"var {projection} = {Functional}.conv2d({shortcut}, {layer.FieldName}.Weight, null, strides: {Longs(settings.ProjectionStride, settings.ProjectionStride)}, padding: {Longs(0, 0)});"
                : $"var {projection} = {Functional}.linear({shortcut}, {layer.FieldName}.Weight, null);");
            writer.WriteLine($"x = x.add({projection}, one);");
            writer.WriteLine($"{projection}.Dispose(); // read by the sum alone");
        }

        public override void WriteMeanGraph(IndentedTextWriter writer, LayerSpec layer)
        {
            var settings = (Settings)layer.Settings;
            string shortcut = LayerSpec.LocalOf(settings.From, "output");
            writer.WriteLine(settings.Projects
                ? $"x = graph.ProjectedResidual(\"{layer.Name}\", x, {shortcut}, {layer.FieldName}.Weight, {settings.ProjectionStride});"
                : $"x = graph.Residual(\"{layer.Name}\", x, {shortcut});");
        }

        public override long WeightCount(LayerSpec layer)
            => ((Settings)layer.Settings) is { Projects: true } settings ? (long)settings.ShortcutDepth * layer.InputShape[0] : 0;

        public override DeclarationFields Declaration(LayerSpec layer)
        {
            var settings = (Settings)layer.Settings;
            return new(From: settings.From, Extra: settings.Projects ? ":projection=" + Format(settings.ProjectionStride) : "");
        }
    }
}
