using System;
using System.Collections.Generic;
using System.Linq;

namespace Ibex.Runtime.Evaluation
{
    /// <summary>The risk–coverage curve and its area (AURC) for any confidence score.</summary>
    public static class SelectiveClassification
    {
        /// <summary>
        /// The risk–coverage curve of answering in order of <paramref name="confidence"/>, highest first (the top class's
        /// probability, or minus the predictive entropy), where <paramref name="correct"/> says which answers are right.
        /// </summary>
        /// <exception cref="ArgumentException">The lists differ in length, are empty, or a confidence is not finite.</exception>
        public static RiskCoverage Evaluate(IReadOnlyList<double> confidence, IReadOnlyList<bool> correct)
        {
            ScoreChecks.Finite(confidence, nameof(confidence));
            if (confidence.Count != correct.Count)
            {
                throw new ArgumentException($"{confidence.Count} confidences but {correct.Count} outcomes; give one of each per example.", nameof(correct));
            }

            int n = confidence.Count;
            int[] order = Enumerable.Range(0, n).OrderByDescending(i => confidence[i]).ToArray();
            var risk = new double[n];
            int errorsBefore = 0;
            foreach (var (start, end) in TiedRuns.Of(n, i => confidence[order[i]]))
            {
                int groupErrors = order[start..end].Count(i => !correct[i]);
                // Within a tie every order is as likely: the expected errors among the first j of the group are j·(its error rate).
                double groupRate = groupErrors / (double)(end - start);
                for (int k = start + 1; k <= end; k++)
                {
                    risk[k - 1] = (errorsBefore + (k - start) * groupRate) / k;
                }

                errorsBefore += groupErrors;
            }

            return new RiskCoverage(risk, risk.Average());
        }
    }
}
