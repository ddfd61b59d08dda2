using System;
using System.Collections.Generic;

namespace Ibex.Runtime.Evaluation
{
    /// <summary>The runs of equal keys in a sorted sequence: every rank-based score here treats a tie as one group.</summary>
    internal static class TiedRuns
    {
        /// <summary>[Start, End) of each run of equal <paramref name="key"/>s among the first <paramref name="count"/> positions, in order.</summary>
        public static IEnumerable<(int Start, int End)> Of(int count, Func<int, double> key)
        {
            for (int start = 0; start < count;)
            {
                int end = start + 1;
                while (end < count && key(end) == key(start))
                {
                    end++;
                }

                yield return (start, end);
                start = end;
            }
        }
    }
}
