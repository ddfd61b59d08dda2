namespace Ibex.Runtime.Export
{
    /// <summary>Every channel's mean over its height and width, [C, H, W] → [C] (ONNX GlobalAveragePool, then Flatten).</summary>
    internal sealed record GlobalAveragePoolOperation(string Layer, GraphValue Input, GraphValue Output)
        : GraphOperation(Layer, Input, Output)
    {
        public override void Lower(OnnxLowering onnx)
        {
            string output = onnx.Name(Output);
            onnx.Node("GlobalAveragePool", Layer, new[] { onnx.Name(Input) }, output + ".pooled");
            onnx.Node("Flatten", Layer + ".flatten", new[] { output + ".pooled" }, output, OnnxAttribute.Int("axis", 1));
        }

        /// <summary>The mean of a constant channel is that constant, one feature per unit.</summary>
        public override bool CarriesUnits => true;
    }
}
