using System;
using System.Collections.Generic;

namespace Ibex.Runtime.Evaluation
{
    /// <summary>
    /// Fits the temperature that minimizes the negative log-likelihood of held-out examples (Guo et al., ICML 2017, §4.2).
    /// </summary>
    /// <remarks>
    /// With s = 1/T, NLL(s) = (1/n)·Σᵢ [log Σₖ exp(s·zᵢₖ) − s·zᵢ,yᵢ] is convex in s (a log-sum-exp of linear functions
    /// minus a linear one), so it has one minimum, and so has NLL as a function of log T. A golden-section search over
    /// log T in [log 0.01, log 100] finds it to 10⁻⁶ in log T.
    /// </remarks>
    public static class TemperatureScaling
    {
        /// <summary>The smallest and largest temperatures the search considers.</summary>
        public const double MinTemperature = 0.01, MaxTemperature = 100;

        /// <summary>
        /// The temperature that minimizes the mean NLL of <paramref name="labels"/> under <c>softmax(scores / T)</c>.
        /// <paramref name="scores"/> are logits, or log-probabilities (for a Monte-Carlo predictive p̄, pass log p̄). Fit it on
        /// examples the network was not trained on: a held-out validation split.
        /// </summary>
        /// <exception cref="ArgumentException">Scores and labels differ in number or are empty, rows differ in length, a
        /// score is not finite, or a label is not a class.</exception>
        public static Temperature Fit(IReadOnlyList<IReadOnlyList<float>> scores, IReadOnlyList<int> labels)
        {
            ScoreChecks.Classes(scores, labels, nameof(scores));
            double Loss(double logTemperature) => NegativeLogLikelihood(scores, labels, Math.Exp(-logTemperature));

            // Golden-section search on a unimodal function of u = log T.
            double low = Math.Log(MinTemperature), high = Math.Log(MaxTemperature);
            double ratio = (Math.Sqrt(5) - 1) / 2;
            double a = high - ratio * (high - low), b = low + ratio * (high - low);
            double lossA = Loss(a), lossB = Loss(b);
            while (high - low > 1e-6)
            {
                if (lossA <= lossB)
                {
                    high = b;
                    (b, lossB) = (a, lossA);
                    a = high - ratio * (high - low);
                    lossA = Loss(a);
                }
                else
                {
                    low = a;
                    (a, lossA) = (b, lossB);
                    b = low + ratio * (high - low);
                    lossB = Loss(b);
                }
            }

            double best = (low + high) / 2;
            return new Temperature(Math.Exp(best), scores.Count, Loss(0), Loss(best));
        }

        /// <summary>(1/n)·Σᵢ [log Σₖ exp(s·zᵢₖ) − s·zᵢ,yᵢ], computed stably.</summary>
        internal static double NegativeLogLikelihood(IReadOnlyList<IReadOnlyList<float>> scores, IReadOnlyList<int> labels, double inverseTemperature)
        {
            double total = 0;
            for (int i = 0; i < scores.Count; i++)
            {
                var row = scores[i];
                double max = double.NegativeInfinity;
                for (int k = 0; k < row.Count; k++)
                {
                    max = Math.Max(max, inverseTemperature * row[k]);
                }

                double sum = 0;
                for (int k = 0; k < row.Count; k++)
                {
                    sum += Math.Exp(inverseTemperature * row[k] - max);
                }

                total += max + Math.Log(sum) - inverseTemperature * row[labels[i]];
            }

            return total / scores.Count;
        }
    }
}
