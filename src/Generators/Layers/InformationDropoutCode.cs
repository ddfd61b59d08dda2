using System.Linq;
using Ibex.Generators.Emitting;
using Ibex.Generators.Model;
using static Ibex.Generators.Emitting.CodeText;

namespace Ibex.Generators.Layers
{
    /// <summary>
    /// Information Dropout (Achille &amp; Soatto, arXiv:1611.01353) on a ReLU or Softplus layer: z = f(h)·ε with
    /// log ε ~ N(0, α(x)²), α(x) from a layer parallel to the weight layer before the activation.
    /// </summary>
    internal static class InformationDropoutCode
    {
        public const string RuntimeClass = "InformationDropoutLayer";

        /// <summary>The weight layer whose input α(x) reads and whose geometry its parallel layer copies.</summary>
        public static LayerSpec Source(NetworkSpec network, LayerSpec layer) => network.Layers.First(l => l.Name == layer.ActivationNoise!.SourceLayer);

        public static string ConstructorArguments(NetworkSpec network, LayerSpec layer, bool learnedLogNormalPrior)
        {
            var source = Source(network, layer);
            return $"alphaWeightShape: {Longs(source.WeightRule!.WeightShape(source))}, learnedLogNormalPrior: {Bool(learnedLogNormalPrior)}, device: device";
        }

        /// <summary>The α(x) layer's pre-sigmoid output: the source's operation on the source's input, with the α layer's weights.</summary>
        private static string AlphaLogits(NetworkSpec network, LayerSpec layer)
        {
            var source = Source(network, layer);
            return source.WeightRule!.Operation(source, source.Local("input"), $"{layer.FieldName}.AlphaWeight", $"{layer.FieldName}.AlphaBias");
        }

        private static void WriteHeader(IndentedTextWriter writer, NetworkSpec network, LayerSpec layer)
        {
            writer.WriteLine("// Information Dropout (Achille & Soatto, arXiv:1611.01353): z = f(h)·ε, log ε ~ N(0, α(x)²), with");
            writer.WriteLine($"// α(x) = 0.001 + α_max·sigmoid(·) from a layer parallel to {Source(network, layer).Name}, α_max = {Number(layer.ActivationNoise!.AlphaMax)}.");
        }

        /// <summary>After a ReLU: KL against the log-uniform prior, in one kernel with the noise.</summary>
        public static void WriteLogUniform(IndentedTextWriter writer, NetworkSpec network, LayerSpec layer)
        {
            WriteHeader(writer, network, layer);
            writer.WriteLine("// KL against the log-uniform prior: −log(α/(α_max + 0.001)) per unit, 0 at the cap; summed over units, averaged over");
            writer.WriteLine("// the batch. The noise, z and the KL take one pass (Ibex.Runtime.CompilerServices.InformationDropoutNoise).");
            writer.WriteLine($"var {layer.Local("alphaLogits")} = {AlphaLogits(network, layer)};");
            writer.WriteLine($"(x, var {layer.Local("information")}) = {CompilerServices}.InformationDropoutNoise.LogUniform(x, {layer.Local("alphaLogits")}, {Number(layer.ActivationNoise!.AlphaMax)});");
        }

        /// <summary>After a Softplus: KL against a learned log-normal prior on the activations.</summary>
        public static void WriteLogNormal(IndentedTextWriter writer, NetworkSpec network, LayerSpec layer)
        {
            WriteHeader(writer, network, layer);
            string field = layer.FieldName;
            writer.WriteLine($"var {layer.Local("alpha")} = {AlphaLogits(network, layer)}.sigmoid().mul({Number(layer.ActivationNoise!.AlphaMax)}).add({CompilerServices}.InformationTerms.ActivationAlphaFloor);");
            writer.WriteLine($"var {layer.Local("logActivation")} = x.clamp_min(1e-12).log();");
            writer.WriteLine($"x = x.mul({layer.Local("alpha")}.mul({Torch}.randn_like(x)).exp());");
            writer.WriteLine("// KL against the learned log-normal prior log z ~ N(μ₁, σ₁²): log(σ₁/α) + (α² + (log f(x) − μ₁)²)/(2σ₁²) − ½ per unit;");
            writer.WriteLine("// summed over units, averaged over the batch.");
            writer.WriteLine($"var {layer.Local("information")} = {CompilerServices}.InformationTerms.LogNormalActivationNats({layer.Local("alpha")}, {layer.Local("logActivation")}, {field}.PriorMean, {field}.PriorLogStd);");
        }
    }
}
