using System;
using System.Collections.Generic;

namespace Ibex.Runtime.Evaluation
{
    /// <summary>
    /// A fitted temperature T: probabilities <c>softmax(z / T)</c> from scores z (logits, or log-probabilities such as the log
    /// of a Monte-Carlo predictive). T &gt; 1 softens an overconfident classifier, T &lt; 1 sharpens an underconfident one;
    /// the most probable class never changes (Guo et al., ICML 2017, §4.2).
    /// </summary>
    /// <param name="Value">T.</param>
    /// <param name="Examples">How many held-out examples it was fitted on.</param>
    /// <param name="NegativeLogLikelihoodBefore">Their mean NLL in nats at T = 1.</param>
    /// <param name="NegativeLogLikelihoodAfter">Their mean NLL in nats at the fitted T.</param>
    public sealed record Temperature(double Value, int Examples, double NegativeLogLikelihoodBefore, double NegativeLogLikelihoodAfter)
    {
        /// <summary>T = 1: the scores' own softmax.</summary>
        public static Temperature None { get; } = new(1.0, 0, double.NaN, double.NaN);

        /// <summary>The class probabilities <c>softmax(z / T)</c> of one example's scores.</summary>
        public float[] Apply(IReadOnlyList<float> scores)
        {
            var probabilities = new float[scores.Count];
            double max = double.NegativeInfinity;
            for (int k = 0; k < scores.Count; k++)
            {
                max = Math.Max(max, scores[k] / Value);
            }

            double sum = 0;
            var exponentials = new double[scores.Count];
            for (int k = 0; k < scores.Count; k++)
            {
                exponentials[k] = Math.Exp(scores[k] / Value - max);
                sum += exponentials[k];
            }

            for (int k = 0; k < scores.Count; k++)
            {
                probabilities[k] = (float)(exponentials[k] / sum);
            }

            return probabilities;
        }
    }
}
