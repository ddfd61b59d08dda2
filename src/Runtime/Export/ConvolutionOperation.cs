using System;
using System.Collections.Generic;

namespace Ibex.Runtime.Export
{
    /// <summary>A 2-D convolution with square kernels, W out × in/groups × k × k (ONNX Conv).</summary>
    internal sealed record ConvolutionOperation(string Layer, GraphValue Input, GraphValue Output, WeightArray Weight, WeightArray? Bias, int Stride, int Padding, int Dilation, int Groups,
        WeightArray? NoiseVariance = null)
        : WeightOperation(Layer, Input, Output, Weight, Bias, NoiseVariance)
    {
        public override long MultiplyAdds => Weight.Values.LongLength * Output.Shape[1] * Output.Shape[2];

        public override long NonzeroMultiplyAdds => Weight.NonzeroCount * Output.Shape[1] * Output.Shape[2];

        public override bool RemovesUnits => Groups == 1;

        public override void Lower(OnnxLowering onnx)
        {
            int kernel = Weight.Shape[2];
            LowerWeightLayer(onnx, "Conv", () => new[]
            {
                OnnxAttribute.Ints("kernel_shape", kernel, kernel), OnnxAttribute.Ints("strides", Stride, Stride),
                OnnxAttribute.Ints("pads", Padding, Padding, Padding, Padding),
                OnnxAttribute.Ints("dilations", Dilation, Dilation), OnnxAttribute.Int("group", Groups),
            });
        }

        /// <summary>Without padding or groups every output position sees the whole kernel, so a constant input channel adds Σ_taps W·c to each output's bias.</summary>
        public override bool TakesConstantUnits(bool flattened) => !flattened && Padding == 0 && Groups == 1;

        public override GraphOperation WithConstantUnits(IReadOnlyList<int> dead, int[] keep, IReadOnlyDictionary<int, double> constants, int positions)
        {
            int outputs = Weight.Shape[0], inputs = Weight.Shape[1], taps = Weight.Shape[2] * Weight.Shape[3];
            var bias = BiasOrZeros(outputs);
            var weight = new float[outputs * keep.Length * taps];
            for (int o = 0; o < outputs; o++)
            {
                double sum = bias.Values[o];
                foreach (int u in dead)
                {
                    for (int t = 0; t < taps; t++)
                    {
                        sum += Weight.Values[(((o * inputs) + u) * taps) + t] * constants[u];
                    }
                }

                bias.Values[o] = (float)sum;
                for (int c = 0; c < keep.Length; c++)
                {
                    Array.Copy(Weight.Values, ((o * inputs) + keep[c]) * taps, weight, ((o * keep.Length) + c) * taps, taps);
                }
            }

            return this with
            {
                Weight = new WeightArray(weight, new[] { outputs, keep.Length, Weight.Shape[2], Weight.Shape[3] }),
                Bias = bias,
                NoiseVariance = null,
                Input = Input.Narrowed(keep.Length, 1),
            };
        }
    }
}
