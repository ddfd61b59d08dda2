using System.Collections.Generic;
using System.Linq;
using Ibex.Generators.Emitting;
using Ibex.Generators.Model;
using static Ibex.Generators.Emitting.CodeText;
using static Ibex.Generators.Parsing.AttributeReading;

namespace Ibex.Generators.Layers
{
    /// <summary>
    /// <c>[LayerNorm(Epsilon)]</c>: layer normalization (Ba, Kiros &amp; Hinton 2016): each example is normalized over all of its
    /// features, or all of its channels, rows and columns, then scaled and shifted element-wise, as
    /// <c>nn.LayerNorm(example shape)</c>. The same in training and evaluation: it keeps no running statistics.
    /// </summary>
    internal sealed class LayerNormRule : LayerRule
    {
        public static LayerNormRule Instance { get; } = new();

        private LayerNormRule()
            : base("LayerNorm")
        {
        }

        /// <param name="Epsilon">Added to the variance.</param>
        public sealed record Settings(double Epsilon) : LayerSettings
        {
            public override LayerRule Rule => Instance;
        }

        public override InformationDropoutPath OnInformationDropoutPath => InformationDropoutPath.Transparent;

        public override LayerShape? Read(LayerReading reading)
        {
            double epsilon = reading.Named("Epsilon", 1e-5);
            if (!IsFinite(epsilon) || epsilon <= 0)
            {
                reading.InvalidArgument("Epsilon", Format(epsilon), "the variance's ε must be a finite number > 0 (default 1e-5)");
                return null;
            }

            return reading.SameShape(new Settings(epsilon));
        }

        public override string RuntimeClass(LayerSpec layer) => "LayerNormLayer";

        public override string ConstructorArguments(NetworkSpec network, LayerSpec layer) => $"shape: {Longs(layer.InputShape.ToArray())}, device: device";

        public override IEnumerable<string> MeanParameters(LayerSpec layer) => new[] { $"{layer.FieldName}.Weight", $"{layer.FieldName}.Bias" };

        public override string Summary(LayerSpec layer) => $"LayerNorm over each example's [{Shape(layer.InputShape)}], the same in training and eval";

        public override void WriteForward(IndentedTextWriter writer, NetworkSpec network, LayerSpec layer, bool training)
        {
            string field = layer.FieldName;
            writer.WriteLine($"x = {Functional}.layer_norm(x, {Longs(layer.InputShape.ToArray())}, {field}.Weight, {field}.Bias, eps: {Number(((Settings)layer.Settings).Epsilon)});");
        }

        public override void WriteMeanGraph(IndentedTextWriter writer, LayerSpec layer)
            => writer.WriteLine($"x = graph.LayerNorm(\"{layer.Name}\", x, {layer.FieldName}.Weight, {layer.FieldName}.Bias, {Number(((Settings)layer.Settings).Epsilon)});");

        public override DeclarationFields Declaration(LayerSpec layer) => new(Rate: ((Settings)layer.Settings).Epsilon);
    }
}
