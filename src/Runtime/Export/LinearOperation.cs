using System.Collections.Generic;
using System.Linq;

namespace Ibex.Runtime.Export
{
    /// <summary>y = x·Wᵀ + b, W out × in (ONNX Gemm with transB).</summary>
    internal sealed record LinearOperation(string Layer, GraphValue Input, GraphValue Output, WeightArray Weight, WeightArray? Bias, WeightArray? NoiseVariance = null)
        : WeightOperation(Layer, Input, Output, Weight, Bias, NoiseVariance)
    {
        public override long MultiplyAdds => Weight.Values.LongLength;

        public override long NonzeroMultiplyAdds => Weight.NonzeroCount;

        public override void Lower(OnnxLowering onnx) => LowerWeightLayer(onnx, "Gemm", () => new[] { OnnxAttribute.Int("transB", 1) });

        /// <summary>Every input column reaches every output with its own weight, so a constant column is a bias term: W[:, u]·c.</summary>
        public override bool TakesConstantUnits(bool flattened) => true;

        /// <summary>Columns u·P … u·P + P − 1 of a removed unit u (P inputs per unit after a Flatten) leave; W[:, those]·c joins b.</summary>
        public override GraphOperation WithConstantUnits(IReadOnlyList<int> dead, int[] keep, IReadOnlyDictionary<int, double> constants, int positions)
        {
            int outputs = Weight.Shape[0], inputs = Weight.Shape[1];
            var bias = BiasOrZeros(outputs);
            var keptColumns = keep.SelectMany(u => Enumerable.Range(u * positions, positions)).ToArray();
            for (int o = 0; o < outputs; o++)
            {
                double sum = bias.Values[o];
                foreach (int u in dead)
                {
                    for (int p = 0; p < positions; p++)
                    {
                        sum += Weight.Values[(o * inputs) + (u * positions) + p] * constants[u];
                    }
                }

                bias.Values[o] = (float)sum;
            }

            var weight = new float[outputs * keptColumns.Length];
            for (int o = 0; o < outputs; o++)
            {
                for (int c = 0; c < keptColumns.Length; c++)
                {
                    weight[(o * keptColumns.Length) + c] = Weight.Values[(o * inputs) + keptColumns[c]];
                }
            }

            return this with
            {
                Weight = new WeightArray(weight, new[] { outputs, keptColumns.Length }),
                Bias = bias,
                NoiseVariance = null,
                Input = Input.Narrowed(keptColumns.Length, 1),
            };
        }
    }
}
