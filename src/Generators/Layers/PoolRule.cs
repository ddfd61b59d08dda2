using Ibex.Generators.Emitting;
using Ibex.Generators.Model;
using static Ibex.Generators.Emitting.CodeText;

namespace Ibex.Generators.Layers
{
    /// <summary><c>[MaxPool2d(kernel, Stride)]</c> and <c>[AvgPool2d(kernel, Stride)]</c>: pooling over square windows of an image.</summary>
    internal sealed class PoolRule : LayerRule
    {
        public static PoolRule Max { get; } = new("MaxPool2d", "max_pool2d");

        public static PoolRule Average { get; } = new("AvgPool2d", "avg_pool2d");

        private readonly string function;

        private PoolRule(string name, string function)
            : base(name)
            => this.function = function;

        /// <param name="Kernel">The side of the square window.</param>
        /// <param name="Stride">The step between windows.</param>
        public sealed record Settings(PoolRule Of, int Kernel, int Stride) : LayerSettings
        {
            public override LayerRule Rule => Of;
        }

        public override LayerShape? Read(LayerReading reading)
        {
            if (!reading.TryArgument(1, 0, out int kernel))
            {
                return null;
            }

            // Stride 0 (unset) means non-overlapping windows, as in PyTorch's pooling layers.
            int stride = reading.Named("Stride", 0) is int s && s != 0 ? s : kernel;
            bool valid = reading.CheckWindow(kernel, stride, padding: 0);
            var image = reading.RequireImage(Name);
            if (!valid || image is null)
            {
                return null;
            }

            var output = reading.WindowOutput(Name, image, image[0], kernel, stride, 0);
            return output is null ? null : new LayerShape(new Settings(this, kernel, stride), image, output);
        }

        public override string Summary(LayerSpec layer)
        {
            var settings = (Settings)layer.Settings;
            return $"{Name}, kernel {settings.Kernel}, stride {settings.Stride}, [{Shape(layer.InputShape)}] → [{Shape(layer.OutputShape)}]";
        }

        public override void WriteForward(IndentedTextWriter writer, NetworkSpec network, LayerSpec layer, bool training)
        {
            var settings = (Settings)layer.Settings;
            if (this == Max)
            {
                // Non-overlapping windows on CPU take one pass each way (MaxPooling); anything else, max_pool2d.
                writer.WriteLine($"x = {CompilerServices}.MaxPooling.Pool2d(x, {settings.Kernel}, {settings.Stride});");
                return;
            }

            writer.WriteLine($"x = {Functional}.{function}(x, {Longs(settings.Kernel, settings.Kernel)}, {Longs(settings.Stride, settings.Stride)});");
        }

        public override void WriteMeanGraph(IndentedTextWriter writer, LayerSpec layer)
        {
            var settings = (Settings)layer.Settings;
            writer.WriteLine($"x = graph.{Name}(\"{layer.Name}\", x, {settings.Kernel}, {settings.Stride}, new[] {{ {Shape(layer.OutputShape)} }});");
        }

        public override DeclarationFields Declaration(LayerSpec layer)
        {
            var settings = (Settings)layer.Settings;
            return new(Kernel: settings.Kernel, Stride: settings.Stride);
        }
    }
}
