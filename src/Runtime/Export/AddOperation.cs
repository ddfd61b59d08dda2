using System.Collections.Generic;

namespace Ibex.Runtime.Export
{
    /// <summary>
    /// x + shortcut, where shortcut is an earlier value, or with a projection its map by a bias-free 1×1 convolution with the
    /// given stride (images) or a Dense map (flat): W out × in × 1 × 1 or out × in. It reads two values, so a removed unit
    /// cannot pass through it.
    /// </summary>
    internal sealed record AddOperation(string Layer, GraphValue Input, GraphValue Output, GraphValue Shortcut, WeightArray? Projection, int ProjectionStride)
        : GraphOperation(Layer, Input, Output)
    {
        public override long MultiplyAdds => Projection is null ? 0 : Projection.Values.LongLength * Positions;

        public override long NonzeroMultiplyAdds => Projection is null ? 0 : Projection.NonzeroCount * Positions;

        private long Positions => Output.Shape.Length == 3 ? (long)Output.Shape[1] * Output.Shape[2] : 1;

        public override long WeightCount => Projection?.Values.LongLength ?? 0;

        public override long NonzeroWeightCount => Projection?.NonzeroCount ?? 0;

        public override IEnumerable<GraphValue> Reads => new[] { Input, Shortcut };

        public override void Lower(OnnxLowering onnx)
        {
            string shortcut = onnx.Name(Shortcut), output = onnx.Name(Output);
            if (Projection is { } projection)
            {
                string projected = output + ".shortcut";
                if (projection.Shape.Length == 4)
                {
                    onnx.Node("Conv", Layer + ".projection", new[] { shortcut, onnx.Weight(Layer + ".weight", projection) }, projected,
                        OnnxAttribute.Ints("kernel_shape", 1, 1), OnnxAttribute.Ints("strides", ProjectionStride, ProjectionStride));
                }
                else
                {
                    onnx.Node("Gemm", Layer + ".projection", new[] { shortcut, onnx.Weight(Layer + ".weight", projection) }, projected, OnnxAttribute.Int("transB", 1));
                }

                shortcut = projected;
            }

            onnx.Node("Add", Layer, new[] { onnx.Name(Input), shortcut }, output);
        }
    }
}
