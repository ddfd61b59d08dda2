using System;
using System.Linq;

namespace Ibex.Runtime.Export
{
    /// <summary>A copied parameter: row-major values and their shape.</summary>
    internal sealed record WeightArray(float[] Values, int[] Shape)
    {
        public long NonzeroCount => Values.LongCount(v => v != 0);

        public WeightArray Copy() => new((float[])Values.Clone(), (int[])Shape.Clone());

        /// <summary>The rows (first-dimension slices) <paramref name="keep"/>, in that order.</summary>
        public WeightArray Rows(int[] keep)
        {
            int perRow = Values.Length / Shape[0];
            var values = new float[keep.Length * perRow];
            for (int r = 0; r < keep.Length; r++)
            {
                Array.Copy(Values, keep[r] * perRow, values, r * perRow, perRow);
            }

            var shape = (int[])Shape.Clone();
            shape[0] = keep.Length;
            return new WeightArray(values, shape);
        }

        /// <summary>These values where <paramref name="weight"/> is not zero, 0 where it is: the noise variance of the weights pruning left.</summary>
        public WeightArray MaskedBy(WeightArray weight)
        {
            var masked = Copy();
            for (long i = 0; i < masked.Values.LongLength; i++)
            {
                if (weight.Values[i] == 0)
                {
                    masked.Values[i] = 0;
                }
            }

            return masked;
        }
    }
}
