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
                AreaUnderRoc(scored, inDistribution.Count, outOfDistribution.Count),
                AveragePrecision(scored.Select(s => (s.Score, Positive: s.Out))),
                AveragePrecision(scored.Select(s => (-s.Score, Positive: !s.Out))),
                FalsePositiveRateAt(scored, 0.95, inDistribution.Count, outOfDistribution.Count),
                inDistribution.Count, outOfDistribution.Count);
        }

        /// <summary>Mann–Whitney: (R − m(m+1)/2)/(m·n), R the sum of the OOD inputs' ranks, ties sharing their mean rank.</summary>
        private static double AreaUnderRoc((double Score, bool Out)[] scored, int inCount, int outCount)
        {
            var sorted = scored.OrderBy(s => s.Score).ToArray();
            double rankSum = 0;
            for (int start = 0; start < sorted.Length;)
            {
                int end = start;
                int outs = 0;
                while (end < sorted.Length && sorted[end].Score == sorted[start].Score)
                {
                    outs += sorted[end].Out ? 1 : 0;
                    end++;
                }

                // Ranks start + 1 … end share their mean.
                rankSum += outs * (start + 1 + end) / 2.0;
                start = end;
            }

            return (rankSum - outCount * (outCount + 1) / 2.0) / ((double)outCount * inCount);
        }

        /// <summary>Σ over distinct thresholds t, highest first, of (recall gained at t)·(precision at t).</summary>
        private static double AveragePrecision(IEnumerable<(double Score, bool Positive)> scored)
        {
            var sorted = scored.OrderByDescending(s => s.Score).ToArray();
            int positives = sorted.Count(s => s.Positive);
            double total = 0;
            int flagged = 0, truePositives = 0;
            for (int start = 0; start < sorted.Length;)
            {
                int end = start, gained = 0;
                while (end < sorted.Length && sorted[end].Score == sorted[start].Score)
                {
                    gained += sorted[end].Positive ? 1 : 0;
                    end++;
                }

                flagged = end;
                truePositives += gained;
                total += gained / (double)positives * (truePositives / (double)flagged);
                start = end;
            }

            return total;
        }

        /// <summary>Lowers the threshold through the distinct scores until at least <paramref name="truePositiveRate"/> of the OOD inputs score ≥ it.</summary>
        private static double FalsePositiveRateAt((double Score, bool Out)[] scored, double truePositiveRate, int inCount, int outCount)
        {
            var sorted = scored.OrderByDescending(s => s.Score).ToArray();
            int outsFlagged = 0, insFlagged = 0;
            for (int start = 0; start < sorted.Length;)
            {
                int end = start;
                while (end < sorted.Length && sorted[end].Score == sorted[start].Score)
                {
                    if (sorted[end].Out)
                    {
                        outsFlagged++;
                    }
                    else
                    {
                        insFlagged++;
                    }

                    end++;
                }

                if (outsFlagged >= truePositiveRate * outCount - 1e-9)
                {
                    return insFlagged / (double)inCount;
                }

                start = end;
            }

            return 1.0;
        }
    }
}
