namespace Ibex.Runtime.Export
{
    /// <summary>
    /// Each example normalized over its whole shape, then scaled and shifted element-wise (ONNX LayerNormalization over axis
    /// 1 on). It mixes every unit of an example, so a removed unit cannot pass through it.
    /// </summary>
    internal sealed record LayerNormOperation(string Layer, GraphValue Input, GraphValue Output, WeightArray Scale, WeightArray Shift, double Epsilon)
        : GraphOperation(Layer, Input, Output)
    {
        public override void Lower(OnnxLowering onnx)
            => onnx.Node("LayerNormalization", Layer,
                new[] { onnx.Name(Input), onnx.Initializer(Layer + ".weight", Scale), onnx.Initializer(Layer + ".bias", Shift) },
                onnx.Name(Output), OnnxAttribute.Int("axis", 1), OnnxAttribute.Float("epsilon", Epsilon));
    }
}
