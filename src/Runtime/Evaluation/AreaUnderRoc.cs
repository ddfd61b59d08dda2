using System.Collections.Generic;
using System.Linq;

namespace Ibex.Runtime.Evaluation
{
    /// <summary>The area under the ROC curve of a score that should be higher for positives than for negatives.</summary>
    internal static class AreaUnderRoc
    {
        /// <summary>
        /// P(a positive's score &gt; a negative's) + ½·P(equal), by Mann–Whitney: (R − m(m+1)/2)/(m·n), R the sum of the
        /// m positives' ranks among all m + n scores, ties sharing their mean rank. Both lists must be non-empty.
        /// </summary>
        public static double Of(IReadOnlyList<double> negatives, IReadOnlyList<double> positives)
        {
            var sorted = negatives.Select(s => (Score: s, Positive: false)).Concat(positives.Select(s => (Score: s, Positive: true)))
                .OrderBy(s => s.Score).ToArray();
            double rankSum = 0;
            foreach (var (start, end) in TiedRuns.Of(sorted.Length, i => sorted[i].Score))
            {
                int tiedPositives = sorted[start..end].Count(s => s.Positive);
                // Ranks start + 1 … end share their mean.
                rankSum += tiedPositives * (start + 1 + end) / 2.0;
            }

            double m = positives.Count;
            return (rankSum - m * (m + 1) / 2.0) / (m * negatives.Count);
        }
    }
}
