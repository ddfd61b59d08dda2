using Ibex.Generators.Emitting;
using Ibex.Generators.Model;
using static Ibex.Generators.Emitting.CodeText;

namespace Ibex.Generators.Layers
{
    /// <summary><c>[GlobalAvgPool]</c>: every channel's mean over its height and width; a network may end with it (All-CNN style).</summary>
    internal sealed class GlobalAvgPoolRule : LayerRule
    {
        public static GlobalAvgPoolRule Instance { get; } = new();

        private GlobalAvgPoolRule()
            : base("GlobalAvgPool")
        {
        }

        public override bool GivesClassScores => true;

        public override LayerShape? Read(LayerReading reading)
            => reading.RequireImage(Name) is { } image ? new LayerShape(new NoSettings(this), image, new[] { image[0] }) : null;

        public override string Summary(LayerSpec layer) => $"global average pooling, [{Shape(layer.InputShape)}] → [{Shape(layer.OutputShape)}]";

        public override void WriteMeanGraph(IndentedTextWriter writer, LayerSpec layer)
            => writer.WriteLine($"x = graph.GlobalAvgPool(\"{layer.Name}\", x, new[] {{ {Shape(layer.OutputShape)} }});");

        public override void WriteForward(IndentedTextWriter writer, NetworkSpec network, LayerSpec layer, bool training)
            => writer.WriteLine("x = x.mean(new long[] { 2, 3 });");
    }
}
