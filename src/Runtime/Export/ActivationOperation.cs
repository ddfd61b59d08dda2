namespace Ibex.Runtime.Export
{
    /// <summary>An element-wise function f; a removed unit's constant output c becomes f(c).</summary>
    internal sealed record ActivationOperation(string Layer, GraphValue Input, GraphValue Output, ActivationFunction Function)
        : GraphOperation(Layer, Input, Output)
    {
        public override void Lower(OnnxLowering onnx) => Function.Lower(onnx, Layer, onnx.Name(Input), onnx.Name(Output));

        public override bool CarriesUnits => true;

        public override double CarryConstant(int unit, double value) => Function.Apply(value);
    }
}
