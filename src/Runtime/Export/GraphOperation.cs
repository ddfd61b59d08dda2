using System;
using System.Collections.Generic;

namespace Ibex.Runtime.Export
{
    /// <summary>
    /// One operation of a <see cref="MeanGraph"/>, and everything the runtime knows about its kind: its counts, its ONNX form
    /// (<see cref="Lower"/>, which every kind must give), and its part in removing units without weights (as the layer whose
    /// units go, a per-unit map the constant outputs pass through, or the layer whose bias takes them in). A pass over the
    /// graph asks each operation; none tests an operation's kind.
    /// </summary>
    internal abstract record GraphOperation(string Layer, GraphValue Input, GraphValue Output)
    {
        public virtual long MultiplyAdds => 0;

        public virtual long NonzeroMultiplyAdds => 0;

        public virtual long WeightCount => 0;

        public virtual long NonzeroWeightCount => 0;

        /// <summary>The values the operation reads: its input, and a residual connection's shortcut.</summary>
        public virtual IEnumerable<GraphValue> Reads => new[] { Input };

        /// <summary>Writes the operation's ONNX nodes and initializers, reading <c>Name(Input)</c> and writing <c>Name(Output)</c>.</summary>
        public abstract void Lower(OnnxLowering onnx);

        /// <summary>
        /// Whether the constant outputs of removed units pass through this operation unit by unit (an element-wise or
        /// per-channel map, pooling, flattening), so that removal can look further for the layer that takes them in.
        /// </summary>
        public virtual bool CarriesUnits => false;

        /// <summary>A removed unit's constant output <paramref name="value"/> after this operation (for <see cref="CarriesUnits"/> operations).</summary>
        public virtual double CarryConstant(int unit, double value) => value;

        /// <summary>The inputs each unit has after this operation: H·W after a Flatten, otherwise <paramref name="positions"/> as before.</summary>
        public virtual int PositionsPerUnit(int positions) => positions;

        /// <summary>The operation on the units <paramref name="keep"/> only (for <see cref="CarriesUnits"/> operations).</summary>
        public virtual GraphOperation NarrowedTo(int[] keep, int positions)
            => this with { Input = Input.Narrowed(keep.Length, 1), Output = Output.Narrowed(keep.Length, 1) };

        /// <summary>
        /// Whether this operation can take removed units' constant outputs into its bias exactly: every input of a unit
        /// must reach each output with the same weights' sum (<paramref name="flattened"/>: a unit is H·W inputs).
        /// </summary>
        public virtual bool TakesConstantUnits(bool flattened) => false;

        /// <summary>The operation without its inputs for <paramref name="dead"/> units, whose constant contributions join its bias.</summary>
        public virtual GraphOperation WithConstantUnits(IReadOnlyList<int> dead, int[] keep, IReadOnlyDictionary<int, double> constants, int positions)
            => throw new InvalidOperationException($"Layer '{Layer}' ({GetType().Name}) cannot take removed units into its bias.");
    }
}
