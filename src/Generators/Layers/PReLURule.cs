using System.Collections.Generic;
using Ibex.Generators.Emitting;
using Ibex.Generators.Model;
using static Ibex.Generators.Emitting.CodeText;
using static Ibex.Generators.Parsing.AttributeReading;

namespace Ibex.Generators.Layers
{
    /// <summary>
    /// <c>[PReLU(InitialSlope = a₀)]</c>: <c>max(0, x) + a·min(0, x)</c> (He et al. 2015) with one learned slope per unit of a
    /// flat input, or per channel of an image, as <c>nn.PReLU(C)</c>. Its slopes are mean parameters (no noise, no
    /// information term); the runtime's <c>Export.PReluOperation</c> records it in the mean graph.
    /// </summary>
    internal sealed class PReLURule : LayerRule
    {
        public static PReLURule Instance { get; } = new();

        private PReLURule()
            : base("PReLU")
        {
        }

        /// <param name="InitialSlope">Every slope's value before training.</param>
        public sealed record Settings(double InitialSlope) : LayerSettings
        {
            public override LayerRule Rule => Instance;
        }

        public override LayerShape? Read(LayerReading reading)
        {
            double initialSlope = reading.Named("InitialSlope", 0.25);
            if (!IsFinite(initialSlope))
            {
                reading.InvalidArgument("InitialSlope", Format(initialSlope), "the slopes' starting value must be a finite number (default 0.25)");
                return null;
            }

            return reading.SameShape(new Settings(initialSlope));
        }

        public override string RuntimeClass(LayerSpec layer) => "ParametricLayer";

        public override string ConstructorArguments(NetworkSpec network, LayerSpec layer)
            => $"\"{Name}\", (\"weight\", {Torch}.full(new long[] {{ {Slopes(layer)} }}, {Number(((Settings)layer.Settings).InitialSlope)}, device: device))";

        public override IEnumerable<string> MeanParameters(LayerSpec layer) => new[] { Slope(layer) };

        public override string Summary(LayerSpec layer) => $"PReLU, {Slopes(layer)} learned slopes below 0";

        public override void WriteForward(IndentedTextWriter writer, NetworkSpec network, LayerSpec layer, bool training)
            => writer.WriteLine($"x = {Functional}.prelu(x, {Slope(layer)});");

        public override void WriteMeanGraph(IndentedTextWriter writer, LayerSpec layer)
            => writer.WriteLine($"x = global::Ibex.Runtime.Export.PReluGraph.Record(graph, \"{layer.Name}\", x, {Slope(layer)});");

        public override DeclarationFields Declaration(LayerSpec layer) => new(Rate: ((Settings)layer.Settings).InitialSlope);

        /// <summary>One slope per unit of a flat input, per channel of an image: the input's first dimension.</summary>
        private static int Slopes(LayerSpec layer) => layer.InputShape[0];

        private static string Slope(LayerSpec layer) => $"{layer.FieldName}[\"weight\"]";
    }
}
