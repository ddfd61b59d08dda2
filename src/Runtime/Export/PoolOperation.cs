namespace Ibex.Runtime.Export
{
    /// <summary>Max or average pooling over square windows (ONNX MaxPool, AveragePool).</summary>
    internal sealed record PoolOperation(string Layer, GraphValue Input, GraphValue Output, PoolKind Kind, int Kernel, int Stride)
        : GraphOperation(Layer, Input, Output)
    {
        public override void Lower(OnnxLowering onnx)
            => onnx.Node(Kind == PoolKind.Max ? "MaxPool" : "AveragePool", Layer, new[] { onnx.Name(Input) }, onnx.Name(Output),
                OnnxAttribute.Ints("kernel_shape", Kernel, Kernel), OnnxAttribute.Ints("strides", Stride, Stride));

        /// <summary>Pooling a constant channel leaves it constant.</summary>
        public override bool CarriesUnits => true;
    }

    /// <summary>Which pooling a <see cref="PoolOperation"/> does.</summary>
    internal enum PoolKind
    {
        Max,
        Average,
    }
}
