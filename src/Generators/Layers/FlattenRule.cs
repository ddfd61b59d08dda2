using System.Linq;
using Ibex.Generators.Diagnostics;
using Ibex.Generators.Emitting;
using Ibex.Generators.Model;
using static Ibex.Generators.Emitting.CodeText;

namespace Ibex.Generators.Layers
{
    /// <summary><c>[Flatten]</c>: an image <c>[C, H, W]</c> becomes <c>[C·H·W]</c> features.</summary>
    internal sealed class FlattenRule : LayerRule
    {
        public static FlattenRule Instance { get; } = new();

        private FlattenRule()
            : base("Flatten")
        {
        }

        public override LayerShape? Read(LayerReading reading)
        {
            if (reading.Input is not { } input)
            {
                return null;
            }

            if (input.Length == 1)
            {
                reading.Report(DiagnosticDescriptors.FlattenOnFlatInput, reading.Name, Shape(input));
                return new LayerShape(new NoSettings(this), input, input);
            }

            long flat = input.Aggregate(1L, (product, d) => product * d);
            if (flat > int.MaxValue)
            {
                reading.Report(DiagnosticDescriptors.InvalidLayerArgument, reading.Name, "[" + Shape(input) + "]",
                    "flattened, it would hold more than 2³¹ − 1 features; pool or stride the image down first");
                return null;
            }

            return new LayerShape(new NoSettings(this), input, new[] { (int)flat });
        }

        public override string Summary(LayerSpec layer) => $"Flatten, [{Shape(layer.InputShape)}] → [{Shape(layer.OutputShape)}]";

        public override void WriteMeanGraph(IndentedTextWriter writer, LayerSpec layer)
            => writer.WriteLine($"x = graph.Flatten(\"{layer.Name}\", x, new[] {{ {Shape(layer.OutputShape)} }});");

        public override bool MayPassInputThrough(LayerSpec layer, bool training) => layer.InputShape.Count == 1;

        public override void WriteForward(IndentedTextWriter writer, NetworkSpec network, LayerSpec layer, bool training)
            => writer.WriteLine(layer.InputShape.Count == 1 ? "// Already flat: nothing to do." : "x = x.flatten(1);");
    }
}
