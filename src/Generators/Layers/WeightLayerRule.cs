using System.Collections.Generic;
using Ibex.Dsl;
using Ibex.Generators.Emitting;
using Ibex.Generators.Model;

namespace Ibex.Generators.Layers
{
    /// <summary>
    /// A layer that multiplies its input by learned weights (Dense, Conv2d): [Stochastic] puts multiplicative noise on them,
    /// and an Information Dropout layer after it computes α(x) with a parallel layer of the same geometry.
    /// </summary>
    internal abstract class WeightLayerRule : LayerRule
    {
        protected WeightLayerRule(string name)
            : base(name)
        {
        }

        public override InformationDropoutPath OnInformationDropoutPath => InformationDropoutPath.Source;

        public abstract bool HasBias(LayerSpec layer);

        /// <summary>Weights per output unit or channel: the fan-in.</summary>
        public abstract long FanIn(LayerSpec layer);

        /// <summary>The shape of the weight tensor, outputs first.</summary>
        public abstract int[] WeightShape(LayerSpec layer);

        /// <summary>What one α is shared by under <see cref="AlphaSharing.PerUnit"/>: "unit" or "channel".</summary>
        public abstract string UnitName { get; }

        /// <summary>The layer's operation on <paramref name="input"/> with the given weight and bias expressions.</summary>
        public abstract string Operation(LayerSpec layer, string input, string weight, string bias);

        /// <summary>The local reparameterization written for this operation, for the comment above the sampling code.</summary>
        public abstract string ReparameterizationText(string weightVariance);

        /// <summary>The runtime class's constructor arguments that give the weights' geometry.</summary>
        protected abstract string GeometryArguments(LayerSpec layer);

        public override long WeightCount(LayerSpec layer) => FanIn(layer) * layer.OutputShape[0];

        public override string RuntimeClass(LayerSpec layer) => (layer.WeightNoise is null ? "" : "Stochastic") + Name + "Layer";

        public override string ConstructorArguments(NetworkSpec network, LayerSpec layer)
        {
            string noise = layer.WeightNoise is { } w ? $", initialLogAlpha: {CodeText.Number(w.InitialLogAlpha)}, perUnit: {CodeText.Bool(w.PerUnit)}" : "";
            return $"{GeometryArguments(layer)}, hasBias: {CodeText.Bool(HasBias(layer))}{noise}, device: device";
        }

        public override IEnumerable<string> MeanParameters(LayerSpec layer)
            => HasBias(layer) ? new[] { $"{layer.FieldName}.Weight", $"{layer.FieldName}.Bias!" } : new[] { $"{layer.FieldName}.Weight" };

        public override void WriteForward(IndentedTextWriter writer, NetworkSpec network, LayerSpec layer, bool training)
        {
            string bias = HasBias(layer) ? $"{layer.FieldName}.Bias" : "null";
            if (training && layer.WeightNoise is not null)
            {
                WeightNoiseCode.WriteSampled(writer, this, layer, bias);
            }
            else
            {
                writer.WriteLine($"x = {Operation(layer, "x", $"{layer.FieldName}.Weight", bias)};");
            }
        }

        /// <summary>"; log-normal weight noise, one α per weight", or nothing for a deterministic layer.</summary>
        protected string NoiseSummary(LayerSpec layer)
            => layer.WeightNoise is { } w
                ? $"; {(w.Family == NoiseFamily.LogNormal ? "log-normal" : "Gaussian")} weight noise, one α per {(w.PerUnit ? UnitName : "weight")}"
                : "";
    }
}
