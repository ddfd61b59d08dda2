using System;
using System.ComponentModel;
using System.Linq;
using TorchSharp;

namespace Ibex.Runtime.Export
{
    /// <summary>
    /// <c>max(0, x) + a·min(0, x)</c> with one slope <c>a</c> per unit or channel (He et al. 2015; ONNX PRelu, the slopes
    /// shaped [C, 1, 1] for images so that they broadcast over height and width). A removed unit's constant output c
    /// becomes c for c ≥ 0 and a·c otherwise.
    /// </summary>
    internal sealed record PReluOperation(string Layer, GraphValue Input, GraphValue Output, WeightArray Slopes)
        : GraphOperation(Layer, Input, Output)
    {
        public override void Lower(OnnxLowering onnx)
        {
            var shape = new[] { Slopes.Values.Length }.Concat(Enumerable.Repeat(1, Input.Shape.Length - 1)).ToArray();
            onnx.Node("PRelu", Layer, new[] { onnx.Name(Input), onnx.Initializer(Layer + ".weight", new WeightArray(Slopes.Values, shape)) }, onnx.Name(Output));
        }

        public override bool CarriesUnits => true;

        public override double CarryConstant(int unit, double value) => value >= 0 ? value : Slopes.Values[unit] * value;

        public override GraphOperation NarrowedTo(int[] keep, int positions) => this with
        {
            Slopes = Slopes.Rows(keep), Input = Input.Narrowed(keep.Length, positions), Output = Output.Narrowed(keep.Length, positions),
        };
    }

    /// <summary>Records a PReLU layer in the mean graph; called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class PReluGraph
    {
        /// <summary>Records <c>max(0, x) + slope·min(0, x)</c>, one slope per unit or channel of <paramref name="x"/>.</summary>
        public static MeanGraphValue Record(MeanGraphBuilder graph, string layer, MeanGraphValue x, torch.Tensor slope)
        {
            ArgumentNullException.ThrowIfNull(graph);
            var slopes = MeanGraphBuilder.Copy(slope);
            return graph.Record(x, outputShape: null, (input, output) => new PReluOperation(layer, input, output, slopes));
        }
    }
}
