using Ibex.Dsl;
using Ibex.Generators.Emitting;
using Ibex.Generators.Model;
using static Ibex.Generators.Emitting.CodeText;

namespace Ibex.Generators.Layers
{
    /// <summary>The code of multiplicative weight noise, shared by every layer kind whose weights can be stochastic.</summary>
    internal static class WeightNoiseCode
    {
        /// <summary>Log-normal noise with one α per weight: ŵ²·(e^α − 1) and Ĩ come from Ibex.Runtime.CompilerServices (LogNormalLinear or LogNormalWeightNoise).</summary>
        public static bool UsesKernel(LayerSpec layer) => layer.WeightNoise is { Family: NoiseFamily.LogNormal, PerUnit: false };

        /// <summary>The generated constant that bounds the layer's ρ from above.</summary>
        public static string UpperBound(LayerSpec layer) => layer.WeightNoise!.Family == NoiseFamily.LogNormal ? "LogAlphaMax" : "GaussianMaxLogAlpha";

        /// <summary>The local Scalar that holds a bound during a pass.</summary>
        public static string BoundLocal(string bound) => char.ToLowerInvariant(bound[0]) + bound.Substring(1);

        /// <summary>The variance factor of one weight, as the comments write it.</summary>
        public static string VarianceText(WeightNoiseSpec noise) => noise.Family == NoiseFamily.LogNormal ? "ŵ²·(e^α − 1)" : "ŵ²·α";

        /// <summary>The layer's Ĩ in nats from its clamped ρ: ½·Σ log(α_max/α) for log-normal noise, the sparse-VD approximation for Gaussian noise.</summary>
        public static string WeightNats(LayerSpec layer, string clampedLogAlpha)
        {
            var noise = layer.WeightNoise!;
            string perAlpha = noise.PerUnit ? $", weightsPerAlpha: {layer.WeightRule!.FanIn(layer)}" : "";
            return noise.Family == NoiseFamily.LogNormal
                ? $"{CompilerServices}.InformationTerms.LogUniformWeightNats({clampedLogAlpha}, LogAlphaMax{perAlpha})"
                : $"{CompilerServices}.InformationTerms.SparseVdWeightNats({clampedLogAlpha}{perAlpha})";
        }

        /// <summary>
        /// The training step of a stochastic weight layer: the weight variance and Ĩ, then the local reparameterization
        /// (Kingma et al. 2015): the pre-activation is sampled from its Gaussian instead of sampling the weights.
        /// </summary>
        public static void WriteSampled(IndentedTextWriter writer, WeightLayerRule rule, LayerSpec layer, string bias)
        {
            var noise = layer.WeightNoise!;
            string field = layer.FieldName;
            if (UsesKernel(layer))
            {
                writer.WriteLine($"// {VarianceText(noise)}, α = e^clamp(ρ), and this layer's Ĩ = ½·Σ(log α_max − clamp(ρ)) in one pass over the weights.");
                writer.WriteLine($"var ({layer.Local("weightVariance")}, {layer.Local("information")}) = {CompilerServices}.LogNormalWeightNoise.Apply({field}.Weight, {field}.LogAlpha, MinLogAlpha, LogAlphaMax);");
            }
            else
            {
                string factor = noise.Family == NoiseFamily.LogNormal ? $"{layer.Local("logAlpha")}.exp().expm1()" : $"{layer.Local("logAlpha")}.exp()";
                writer.WriteLine($"var {layer.Local("logAlpha")} = {field}.LogAlpha.clamp({BoundLocal("MinLogAlpha")}, {BoundLocal(UpperBound(layer))});");
                writer.WriteLine($"var {layer.Local("weightVariance")} = {field}.Weight.mul({field}.Weight).mul({factor});");
                writer.WriteLine($"var {layer.Local("information")} = {WeightNats(layer, layer.Local("logAlpha"))};");
            }

            writer.WriteLine($"// Local reparameterization (Kingma et al. 2015): {rule.ReparameterizationText(VarianceText(noise))}");
            writer.WriteLine($"var {layer.Local("mean")} = {rule.Operation(layer, "x", $"{field}.Weight", bias)};");
            writer.WriteLine($"var {layer.Local("squaredInput")} = x.mul(x);");
            writer.WriteLine($"var {layer.Local("variance")} = {rule.Operation(layer, layer.Local("squaredInput"), layer.Local("weightVariance"), "null")};");
            writer.WriteLine($"x = {CompilerServices}.LocalReparameterization.Sample({layer.Local("mean")}, {layer.Local("variance")}, VarianceFloor);");
            writer.WriteLine("// What the backward needs, autograd holds and frees as it goes; these handles would keep it to the step's end.");
            writer.WriteLine($"{layer.Local("mean")}.Dispose();");
            writer.WriteLine($"{layer.Local("squaredInput")}.Dispose();");
            writer.WriteLine($"{layer.Local("variance")}.Dispose();");
        }
    }
}
