using Ibex.Generators.Diagnostics;
using Ibex.Generators.Emitting;
using Ibex.Generators.Model;
using static Ibex.Generators.Emitting.CodeText;
using static Ibex.Generators.Parsing.AttributeReading;

namespace Ibex.Generators.Layers
{
    /// <summary><c>[Dense(units, Bias = true)]</c>: a fully connected layer, <c>x·Wᵀ + b</c>, on a flat input.</summary>
    internal sealed class DenseRule : WeightLayerRule
    {
        public static DenseRule Instance { get; } = new();

        private DenseRule()
            : base("Dense")
        {
        }

        /// <param name="HasBias">Whether the layer adds a (noise-free) bias per unit.</param>
        public sealed record Settings(bool HasBias) : LayerSettings
        {
            public override LayerRule Rule => Instance;
        }

        public override bool GivesClassScores => true;

        public override string UnitName => "unit";

        public override LayerShape? Read(LayerReading reading)
        {
            if (!reading.TryArgument(1, 0, out int units))
            {
                return null; // the compiler reports the argument
            }

            if (units <= 0)
            {
                reading.Report(DiagnosticDescriptors.InvalidUnits, Name, reading.Name, Format(units), "units");
                return null;
            }

            if (reading.Input is { Length: 3 } image)
            {
                long flat = (long)image[0] * image[1] * image[2];
                reading.Report(DiagnosticDescriptors.DenseNeedsFlatInput, reading.Name, Shape(image), flat.ToString(System.Globalization.CultureInfo.InvariantCulture), Format(image[0]));
                return null;
            }

            var settings = new Settings(reading.Named("Bias", true));
            return reading.Input is null ? null : new LayerShape(settings, reading.Input, new[] { units });
        }

        public override bool HasBias(LayerSpec layer) => ((Settings)layer.Settings).HasBias;

        public override long FanIn(LayerSpec layer) => layer.InputShape[0];

        public override int[] WeightShape(LayerSpec layer) => new[] { layer.OutputShape[0], layer.InputShape[0] };

        protected override string GeometryArguments(LayerSpec layer) => $"inFeatures: {layer.InputShape[0]}, outFeatures: {layer.OutputShape[0]}";

        public override string Operation(LayerSpec layer, string input, string weight, string bias) => $"{Functional}.linear({input}, {weight}, {bias})";

        public override string ReparameterizationText(string weightVariance) => $"b = x·ŵ + √(x²·{weightVariance})·ξ, ξ ~ N(0, 1) per example and unit.";

        public override string Describe(LayerSpec layer) => $"{layer.Name} ({(layer.IsStochastic ? "stochastic " : "")}Dense {layer.OutputShape[0]})";

        public override string Summary(LayerSpec layer)
            => $"{(layer.WeightNoise is null ? "" : "stochastic ")}Dense [{Shape(layer.InputShape)}] → [{Shape(layer.OutputShape)}]{NoiseSummary(layer)}";

        /// <summary>Log-normal noise, one α per weight: the layer is one autograd function (LogNormalLinear), whose output is unit-major.</summary>
        public override bool LeavesStridedOutput(LayerSpec layer) => WeightNoiseCode.UsesKernel(layer);

        public override void WriteForward(IndentedTextWriter writer, NetworkSpec network, LayerSpec layer, bool training)
        {
            if (!WeightNoiseCode.UsesKernel(layer))
            {
                base.WriteForward(writer, network, layer, training);
                return;
            }

            string field = layer.FieldName;
            string bias = HasBias(layer) ? $"{field}.Bias" : "null";
            if (!training)
            {
                writer.WriteLine($"x = {CompilerServices}.LogNormalLinear.Mean(x, {field}.Weight, {bias});");
                return;
            }

            string weightVariance = WeightNoiseCode.VarianceText(layer.WeightNoise!);
            writer.WriteLine($"// Local reparameterization (Kingma et al. 2015): {ReparameterizationText(weightVariance)}");
            writer.WriteLine($"// {weightVariance}, α = e^clamp(ρ), and this layer's Ĩ = ½·Σ(log α_max − clamp(ρ)): the whole layer, its gradients");
            writer.WriteLine("// included, is one autograd function (Ibex.Runtime.CompilerServices.LogNormalLinear).");
            writer.WriteLine($"(x, var {layer.Local("information")}) = {CompilerServices}.LogNormalLinear.Sample(x, {field}.Weight, {bias}, {field}.LogAlpha, MinLogAlpha, LogAlphaMax, VarianceFloor);");
        }

        public override void WriteMeanGraph(IndentedTextWriter writer, LayerSpec layer)
            => writer.WriteLine($"x = graph.Dense(\"{layer.Name}\", x, {layer.FieldName}.Weight, {(HasBias(layer) ? $"{layer.FieldName}.Bias" : "null")}, new[] {{ {Shape(layer.OutputShape)} }});");

        public override DeclarationFields Declaration(LayerSpec layer) => new(Bias: HasBias(layer));
    }
}
