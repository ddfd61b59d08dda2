using System;
using System.Linq;

namespace Ibex.Runtime.Export
{
    /// <summary>
    /// A layer that multiplies its input by weights W, out × …, plus a bias: what pruning masks, what units are removed from,
    /// and what carries noise in the stochastic export. <see cref="NoiseVariance"/>, for a stochastic layer, is ŵ²·v(α) per
    /// weight (v = e^α − 1 for log-normal noise, α for Gaussian).
    /// </summary>
    internal abstract record WeightOperation(string Layer, GraphValue Input, GraphValue Output, WeightArray Weight, WeightArray? Bias, WeightArray? NoiseVariance)
        : GraphOperation(Layer, Input, Output)
    {
        public override long WeightCount => Weight.Values.LongLength;

        public override long NonzeroWeightCount => Weight.NonzeroCount;

        /// <summary>Whether removal may take output units out of this layer (not out of a grouped convolution, whose groups would no longer divide).</summary>
        public virtual bool RemovesUnits => true;

        /// <summary>The layer with pruned weights (0 where pruned); the noise variance of a pruned weight is 0 too.</summary>
        public WeightOperation WithMaskedWeight(WeightArray masked) => this with { Weight = masked, NoiseVariance = NoiseVariance?.MaskedBy(masked) };

        /// <summary>The layer with ŵ²·v(α) recorded per weight, α = e^clamp(ρ) shared across a unit's weights when it is per unit.</summary>
        public WeightOperation WithNoiseOf(NoisyWeights noise)
        {
            var rho = noise.ClampedLogAlphaByWeight();
            var variance = new float[Weight.Values.Length];
            for (long i = 0; i < variance.LongLength; i++)
            {
                double alpha = Math.Exp(rho[i]);
                double factor = noise.Noise == Ibex.Dsl.NoiseFamily.LogNormal ? Math.Exp(alpha) - 1 : alpha;
                variance[i] = (float)(Weight.Values[i] * (double)Weight.Values[i] * factor);
            }

            return this with { NoiseVariance = new WeightArray(variance, (int[])Weight.Shape.Clone()) };
        }

        /// <summary>The layer without the output units that are not in <paramref name="keep"/> (their weight rows and bias entries).</summary>
        public WeightOperation WithUnits(int[] keep)
            => this with { Weight = Weight.Rows(keep), Bias = Bias?.Rows(keep), NoiseVariance = NoiseVariance?.Rows(keep), Output = Output.Narrowed(keep.Length, 1) };

        /// <summary>The units whose weights are all 0.</summary>
        public int[] UnitsWithoutWeights()
        {
            int units = Weight.Shape[0];
            int perUnit = Weight.Values.Length / units;
            return Enumerable.Range(0, units).Where(u => Weight.Values.AsSpan(u * perUnit, perUnit).IndexOfAnyExcept(0f) < 0).ToArray();
        }

        /// <summary>The bias to add removed units' contributions to: a copy of the bias, or zeros for a layer without one.</summary>
        protected WeightArray BiasOrZeros(int outputs) => Bias?.Copy() ?? new WeightArray(new float[outputs], new[] { outputs });

        /// <summary>The stochastic form when the export asks for it and the layer has noise: mean and variance by the same operator, then a sample.</summary>
        protected void LowerWeightLayer(OnnxLowering onnx, string operatorType, Func<OnnxAttribute[]> attributes)
        {
            string input = onnx.Name(Input), output = onnx.Name(Output);
            var inputs = new System.Collections.Generic.List<string> { input, onnx.Weight(Layer + ".weight", Weight) };
            if (Bias is { } bias)
            {
                inputs.Add(onnx.Initializer(Layer + ".bias", bias));
            }

            if (onnx.Stochastic && NoiseVariance is { } variance)
            {
                onnx.Node(operatorType, Layer + ".mean", inputs, output + ".mean", attributes());
                onnx.Node("Mul", Layer + ".square", new[] { input, input }, output + ".square");
                onnx.Node(operatorType, Layer + ".variance", new[] { output + ".square", onnx.Weight(Layer + ".noise_variance", variance) }, output + ".variance", attributes());
                onnx.Sample(Layer, output);
            }
            else
            {
                onnx.Node(operatorType, Layer, inputs, output, attributes());
            }
        }
    }
}
