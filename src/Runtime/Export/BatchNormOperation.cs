using System;

namespace Ibex.Runtime.Export
{
    /// <summary>(x − mean)/√(variance + ε)·scale + shift per channel or feature, with the running statistics (ONNX BatchNormalization).</summary>
    internal sealed record BatchNormOperation(string Layer, GraphValue Input, GraphValue Output, WeightArray Scale, WeightArray Shift, WeightArray Mean, WeightArray Variance, double Epsilon)
        : GraphOperation(Layer, Input, Output)
    {
        public override void Lower(OnnxLowering onnx)
            => onnx.Node("BatchNormalization", Layer,
                new[]
                {
                    onnx.Name(Input), onnx.Initializer(Layer + ".weight", Scale), onnx.Initializer(Layer + ".bias", Shift),
                    onnx.Initializer(Layer + ".running_mean", Mean), onnx.Initializer(Layer + ".running_var", Variance),
                },
                onnx.Name(Output), OnnxAttribute.Float("epsilon", Epsilon));

        /// <summary>Each channel is normalized with its own statistics, so a constant stays a constant.</summary>
        public override bool CarriesUnits => true;

        public override double CarryConstant(int unit, double value)
            => (value - Mean.Values[unit]) / Math.Sqrt(Variance.Values[unit] + Epsilon) * Scale.Values[unit] + Shift.Values[unit];

        public override GraphOperation NarrowedTo(int[] keep, int positions) => this with
        {
            Scale = Scale.Rows(keep), Shift = Shift.Rows(keep), Mean = Mean.Rows(keep), Variance = Variance.Rows(keep),
            Input = Input.Narrowed(keep.Length, positions), Output = Output.Narrowed(keep.Length, positions),
        };
    }
}
