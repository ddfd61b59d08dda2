using Ibex.Generators.Diagnostics;
using Ibex.Generators.Emitting;
using Ibex.Generators.Model;
using static Ibex.Generators.Emitting.CodeText;
using static Ibex.Generators.Parsing.AttributeReading;

namespace Ibex.Generators.Layers
{
    /// <summary>
    /// <c>[Conv2d(outChannels, kernel, Stride, Padding, Dilation, Groups, Bias)]</c>: a 2-D convolution with square kernels,
    /// as PyTorch's <c>nn.Conv2d</c> computes it.
    /// </summary>
    internal sealed class Conv2dRule : WeightLayerRule
    {
        public static Conv2dRule Instance { get; } = new();

        private Conv2dRule()
            : base("Conv2d")
        {
        }

        /// <param name="Kernel">The side of the square kernel.</param>
        /// <param name="Stride">The step between kernel positions.</param>
        /// <param name="Padding">Zeros added on every side.</param>
        /// <param name="Dilation">The spacing between kernel taps (1: an ordinary convolution).</param>
        /// <param name="Groups">Input and output channels split into this many groups, each convolved on its own.</param>
        /// <param name="HasBias">Whether the layer adds a (noise-free) bias per output channel.</param>
        public sealed record Settings(int Kernel, int Stride, int Padding, int Dilation, int Groups, bool HasBias) : LayerSettings
        {
            public override LayerRule Rule => Instance;
        }

        public override string UnitName => "channel";

        public override LayerShape? Read(LayerReading reading)
        {
            if (!reading.TryArgument(2, 0, out int channels) || !reading.TryArgument(2, 1, out int kernel))
            {
                return null;
            }

            var settings = new Settings(kernel, reading.Named("Stride", 1), reading.Named("Padding", 0), reading.Named("Dilation", 1), reading.Named("Groups", 1), reading.Named("Bias", true));
            bool valid = true;
            if (channels <= 0)
            {
                reading.Report(DiagnosticDescriptors.InvalidUnits, Name, reading.Name, Format(channels), "output channels");
                valid = false;
            }

            valid &= reading.CheckWindow(kernel, settings.Stride, settings.Padding, settings.Dilation);
            if (settings.Groups < 1)
            {
                reading.InvalidArgument("Groups", Format(settings.Groups), "the number of channel groups must be at least 1 (1 is an ordinary convolution)");
                valid = false;
            }

            var image = reading.RequireImage(Name);
            if (!valid || image is null)
            {
                return null;
            }

            if (settings.Groups > 1 && (image[0] % settings.Groups != 0 || channels % settings.Groups != 0))
            {
                reading.InvalidArgument("Groups", Format(settings.Groups),
                    $"both the input channels ({Format(image[0])}) and the output channels ({Format(channels)}) must divide into {Format(settings.Groups)} groups");
                return null;
            }

            var output = reading.WindowOutput(Name, image, channels, kernel, settings.Stride, settings.Padding, settings.Dilation);
            return output is null ? null : new LayerShape(settings, image, output);
        }

        public override bool HasBias(LayerSpec layer) => ((Settings)layer.Settings).HasBias;

        /// <summary>(in / groups)·k²: each output channel sees its group's input channels only.</summary>
        public override long FanIn(LayerSpec layer)
        {
            var settings = (Settings)layer.Settings;
            return (long)(layer.InputShape[0] / settings.Groups) * settings.Kernel * settings.Kernel;
        }

        public override int[] WeightShape(LayerSpec layer)
        {
            var settings = (Settings)layer.Settings;
            return new[] { layer.OutputShape[0], layer.InputShape[0] / settings.Groups, settings.Kernel, settings.Kernel };
        }

        /// <summary>A grouped convolution's filters see in / groups channels each, so that is the runtime layer's input depth.</summary>
        protected override string GeometryArguments(LayerSpec layer)
        {
            var settings = (Settings)layer.Settings;
            string inChannels = settings.Groups == 1
                ? $"{layer.InputShape[0]}"
                : $"{layer.InputShape[0] / settings.Groups} /* per group: {layer.InputShape[0]} channels in {settings.Groups} groups */";
            return $"inChannels: {inChannels}, outChannels: {layer.OutputShape[0]}, kernel: {settings.Kernel}";
        }

        public override string Operation(LayerSpec layer, string input, string weight, string bias)
        {
            var settings = (Settings)layer.Settings;
            string dilation = settings.Dilation == 1 ? "" : $", dilation: {Longs(settings.Dilation, settings.Dilation)}";
            string groups = settings.Groups == 1 ? "" : $", groups: {settings.Groups}";
            return $"{Functional}.conv2d({input}, {weight}, {bias}, strides: {Longs(settings.Stride, settings.Stride)}, padding: {Longs(settings.Padding, settings.Padding)}{dilation}{groups})";
        }

        /// <summary>The unfolded input, in·25·H_out·W_out: room for a 5 × 5 kernel's im2col, an upper estimate for the usual kernels.</summary>
        public override long WorkspaceFeatures(LayerSpec layer) => (long)layer.InputShape[0] * 25 * layer.OutputShape[1] * layer.OutputShape[2];

        /// <summary>In the mean network a convolution takes the running statistics of a normalization after it into its weights.</summary>
        public override bool Absorbs(LayerSpec layer, LayerSpec next, bool training)
            => !training && !layer.KeepsOutput && next.Rule.FoldableStatistics(next) is not null;

        /// <summary>The convolution with <paramref name="next"/>'s running statistics folded into its weights and bias.</summary>
        public override void WriteForwardAbsorbing(IndentedTextWriter writer, LayerSpec layer, LayerSpec next, bool training)
        {
            string bias = HasBias(layer) ? $"{layer.FieldName}.Bias" : "null";
            string weight = layer.Local("foldedWeight");
            string foldedBias = layer.Local("foldedBias");
            writer.WriteLine($"// With {next.Name}'s running statistics folded in: conv(x, w·s) + (b − μ)·s + β, s = γ/√(σ² + ε).");
            writer.WriteLine($"var ({weight}, {foldedBias}) = {CompilerServices}.BatchNormFolding.Fold({layer.FieldName}.Weight, {bias}, {next.Rule.FoldableStatistics(next)});");
            writer.WriteLine($"x = {Operation(layer, "x", weight, foldedBias)};");
            writer.WriteLine($"{weight}.Dispose();");
            writer.WriteLine($"{foldedBias}.Dispose();");
        }

        public override string ReparameterizationText(string weightVariance) => $"b = conv(x, ŵ) + √conv(x², {weightVariance})·ξ, ξ ~ N(0, 1) per example and output position.";

        public override string Describe(LayerSpec layer)
        {
            var settings = (Settings)layer.Settings;
            return $"{layer.Name} ({(layer.IsStochastic ? "stochastic " : "")}Conv2d {layer.OutputShape[0]}×{settings.Kernel}×{settings.Kernel})";
        }

        public override string Summary(LayerSpec layer)
        {
            var settings = (Settings)layer.Settings;
            string dilation = settings.Dilation == 1 ? "" : $", dilation {settings.Dilation}";
            string groups = settings.Groups == 1 ? "" : $", {settings.Groups} groups";
            return $"{(layer.WeightNoise is null ? "" : "stochastic ")}Conv2d, kernel {settings.Kernel}, stride {settings.Stride}, padding {settings.Padding}{dilation}{groups}, "
                + $"[{Shape(layer.InputShape)}] → [{Shape(layer.OutputShape)}]{NoiseSummary(layer)}";
        }

        public override void WriteMeanGraph(Emitting.IndentedTextWriter writer, LayerSpec layer)
        {
            var settings = (Settings)layer.Settings;
            string bias = settings.HasBias ? $"{layer.FieldName}.Bias" : "null";
            writer.WriteLine($"x = graph.Conv2d(\"{layer.Name}\", x, {layer.FieldName}.Weight, {bias}, stride: {settings.Stride}, padding: {settings.Padding}, dilation: {settings.Dilation}, groups: {settings.Groups}, new[] {{ {Shape(layer.OutputShape)} }});");
        }

        public override DeclarationFields Declaration(LayerSpec layer)
        {
            var settings = (Settings)layer.Settings;
            string extra = (settings.Dilation == 1 ? "" : ":dilation=" + Format(settings.Dilation)) + (settings.Groups == 1 ? "" : ":groups=" + Format(settings.Groups));
            return new(Bias: settings.HasBias, Kernel: settings.Kernel, Stride: settings.Stride, Padding: settings.Padding, Extra: extra);
        }
    }
}
