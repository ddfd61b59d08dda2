using Ibex.Generators.Diagnostics;
using Ibex.Generators.Model;
using static Ibex.Generators.Emitting.CodeText;
using static Ibex.Generators.Parsing.AttributeReading;

namespace Ibex.Generators.Layers
{
    /// <summary>
    /// <c>[Conv2d(outChannels, kernel, Stride, Padding, Bias)]</c>: a 2-D convolution with square kernels,
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
        /// <param name="HasBias">Whether the layer adds a (noise-free) bias per output channel.</param>
        public sealed record Settings(int Kernel, int Stride, int Padding, bool HasBias) : LayerSettings
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

            var settings = new Settings(kernel, reading.Named("Stride", 1), reading.Named("Padding", 0), reading.Named("Bias", true));
            bool valid = true;
            if (channels <= 0)
            {
                reading.Report(DiagnosticDescriptors.InvalidUnits, Name, reading.Name, Format(channels), "output channels");
                valid = false;
            }

            valid &= reading.CheckWindow(kernel, settings.Stride, settings.Padding);

            var image = reading.RequireImage(Name);
            if (!valid || image is null)
            {
                return null;
            }

            var output = reading.WindowOutput(Name, image, channels, kernel, settings.Stride, settings.Padding);
            return output is null ? null : new LayerShape(settings, image, output);
        }

        public override bool HasBias(LayerSpec layer) => ((Settings)layer.Settings).HasBias;

        /// <summary>in·k²: the weights each output channel applies.</summary>
        public override long FanIn(LayerSpec layer)
        {
            var settings = (Settings)layer.Settings;
            return (long)layer.InputShape[0] * settings.Kernel * settings.Kernel;
        }

        public override int[] WeightShape(LayerSpec layer)
        {
            var settings = (Settings)layer.Settings;
            return new[] { layer.OutputShape[0], layer.InputShape[0], settings.Kernel, settings.Kernel };
        }

        protected override string GeometryArguments(LayerSpec layer)
            => $"inChannels: {layer.InputShape[0]}, outChannels: {layer.OutputShape[0]}, kernel: {((Settings)layer.Settings).Kernel}";

        public override string Operation(LayerSpec layer, string input, string weight, string bias)
        {
            var settings = (Settings)layer.Settings;
            return $"{Functional}.conv2d({input}, {weight}, {bias}, strides: {Longs(settings.Stride, settings.Stride)}, padding: {Longs(settings.Padding, settings.Padding)})";
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
            return $"{(layer.WeightNoise is null ? "" : "stochastic ")}Conv2d, kernel {settings.Kernel}, stride {settings.Stride}, padding {settings.Padding}, "
                + $"[{Shape(layer.InputShape)}] → [{Shape(layer.OutputShape)}]{NoiseSummary(layer)}";
        }

        public override DeclarationFields Declaration(LayerSpec layer)
        {
            var settings = (Settings)layer.Settings;
            return new(Bias: settings.HasBias, Kernel: settings.Kernel, Stride: settings.Stride, Padding: settings.Padding);
        }
    }
}
