namespace Ibex.Runtime.Export
{
    /// <summary>[C, H, W] → [C·H·W], channel by channel (ONNX Flatten).</summary>
    internal sealed record FlattenOperation(string Layer, GraphValue Input, GraphValue Output)
        : GraphOperation(Layer, Input, Output)
    {
        public override void Lower(OnnxLowering onnx)
            => onnx.Node("Flatten", Layer, new[] { onnx.Name(Input) }, onnx.Name(Output), OnnxAttribute.Int("axis", 1));

        /// <summary>A constant channel becomes H·W constant features.</summary>
        public override bool CarriesUnits => true;

        public override int PositionsPerUnit(int positions) => Input.Shape[1] * Input.Shape[2];

        public override GraphOperation NarrowedTo(int[] keep, int positions)
            => this with { Input = Input.Narrowed(keep.Length, 1), Output = Output.Narrowed(keep.Length, positions) };
    }
}
