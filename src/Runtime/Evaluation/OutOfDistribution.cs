using System;
using System.Collections.Generic;
using System.Linq;

namespace Ibex.Runtime.Evaluation
{
    /// <summary>AUROC, AUPR (both ways) and FPR at 95% TPR for any out-of-distribution score.</summary>
    public static class OutOfDistribution
    {
        /// <summary>
        /// Scores the detection of <paramref name="outOfDistribution"/> inputs among <paramref name="inDistribution"/> ones by a
        /// score that is higher for inputs the network should not trust: predictive entropy, mutual information, or one minus
        /// the top probability.
        /// </summary>
        /// <exception cref="ArgumentException">Either list is empty or holds a value that is not finite.</exception>
        public static OutOfDistributionDetection Evaluate(IReadOnlyList<double> inDistribution, IReadOnlyList<double> outOfDistribution)
        {
            ScoreChecks.Finite(inDistribution, nameof(inDistribution));
            ScoreChecks.Finite(outOfDistribution, nameof(outOfDistribution));
            var scored = inDistribution.Select(s => (Score: s, Out: false)).Concat(outOfDistribution.Select(s => (Score: s, Out: true))).ToArray();
            return new OutOfDistributionDetection(
                AreaUnderRoc.Of(inDistribution, outOfDistribution),
                AveragePrecision(scored.Select(s => (s.Score, Positive: s.Out))),
                AveragePrecision(scored.Select(s => (-s.Score, Positive: !s.Out))),
                FalsePositiveRateAt(scored, 0.95, inDistribution.Count, outOfDistribution.Count),
                inDistribution.Count, outOfDistribution.Count);
        }

        /// <summary>Σ over distinct thresholds t, highest first, of (recall gained at t)·(precision at t).</summary>
        private static double AveragePrecision(IEnumerable<(double Score, bool Positive)> scored)
        {
            var sorted = scored.OrderByDescending(s => s.Score).ToArray();
            int positives = sorted.Count(s => s.Positive);
            double total = 0;
            int truePositives = 0;
            foreach (var (start, end) in TiedRuns.Of(sorted.Length, i => sorted[i].Score))
            {
                int gained = sorted[start..end].Count(s => s.Positive);
                truePositives += gained;
                // Everything scoring at least this high is flagged: the first `end` inputs.
                total += gained / (double)positives * (truePositives / (double)end);
            }

            return total;
        }

        /// <summary>Lowers the threshold through the distinct scores until at least <paramref name="truePositiveRate"/> of the OOD inputs score ≥ it.</summary>
        private static double FalsePositiveRateAt((double Score, bool Out)[] scored, double truePositiveRate, int inCount, int outCount)
        {
            var sorted = scored.OrderByDescending(s => s.Score).ToArray();
            int outsFlagged = 0;
            foreach (var (start, end) in TiedRuns.Of(sorted.Length, i => sorted[i].Score))
            {
                outsFlagged += sorted[start..end].Count(s => s.Out);
                if (outsFlagged >= truePositiveRate * outCount - 1e-9)
                {
                    return (end - outsFlagged) / (double)inCount;
                }
            }

            return 1.0;
        }
    }
}
