using System;
using System.Collections.Generic;
using System.Linq;

namespace Ibex.Runtime.Evaluation
{
    /// <summary>
    /// Adaptive prediction sets (APS, Romano, Sesia &amp; Candès, NeurIPS 2020): a set of classes that holds the true one with
    /// probability at least <see cref="Coverage"/> over exchangeable examples, whatever the classifier; a calibrated,
    /// confident classifier gives small sets, an unsure one large sets.
    /// </summary>
    /// <remarks>
    /// An example's score for class y is the probability of the classes ranked above y plus u·p(y) (u ~ U(0, 1) when
    /// <see cref="Randomized"/>, else 1). The set holds the classes, most probable first, whose score is at most
    /// <see cref="Quantile"/>, the conformal threshold of the calibration examples' scores for their labels. Randomized sets
    /// cover close to exactly the nominal level (and may be empty); unrandomized ones never cover less and often more.
    /// </remarks>
    /// <param name="Quantile">The threshold on the APS score.</param>
    /// <param name="Coverage">The nominal coverage c.</param>
    /// <param name="Randomized">Whether scores take u ~ U(0, 1) (true) or u = 1.</param>
    /// <param name="CalibrationExamples">How many held-out examples set the threshold.</param>
    public sealed record ConformalClassifier(double Quantile, double Coverage, bool Randomized, int CalibrationExamples)
    {
        /// <summary>
        /// Calibrates on held-out examples: <paramref name="probabilities"/> (one row of class probabilities per example,
        /// after temperature scaling if any) and their <paramref name="labels"/>. <paramref name="random"/> draws u (a fixed seed
        /// when null).
        /// </summary>
        /// <exception cref="ArgumentException">Rows and labels do not match, a row is not a probability vector, a label is not a
        /// class, or there are too few examples for <paramref name="coverage"/> (fewer than c/(1 − c)).</exception>
        public static ConformalClassifier Calibrate(IReadOnlyList<IReadOnlyList<float>> probabilities, IReadOnlyList<int> labels,
            double coverage = 0.9, bool randomized = true, Random? random = null)
        {
            ConformalQuantile.CheckCoverage(coverage);
            ScoreChecks.Classes(probabilities, labels, nameof(probabilities));
            ScoreChecks.Probabilities(probabilities);
            random ??= new Random(0);
            var scores = new double[probabilities.Count];
            for (int i = 0; i < scores.Length; i++)
            {
                double u = randomized ? random.NextDouble() : 1.0;
                double above = 0;
                foreach (int k in Ranking(probabilities[i]))
                {
                    if (k == labels[i])
                    {
                        scores[i] = above + u * probabilities[i][k];
                        break;
                    }

                    above += probabilities[i][k];
                }
            }

            return new ConformalClassifier(ConformalQuantile.Of(scores, coverage), coverage, randomized, scores.Length);
        }

        /// <summary>The prediction set of one example, most probable class first; <paramref name="random"/> draws u when <see cref="Randomized"/>.</summary>
        public IReadOnlyList<int> PredictionSet(IReadOnlyList<float> probabilities, Random random)
        {
            double u = Randomized ? random.NextDouble() : 1.0;
            var set = new List<int>();
            double above = 0;
            foreach (int k in Ranking(probabilities))
            {
                if (above + u * probabilities[k] > Quantile)
                {
                    break;
                }

                set.Add(k);
                above += probabilities[k];
            }

            return set;
        }

        /// <summary>Classes from the most probable down; equal probabilities in class order.</summary>
        private static IEnumerable<int> Ranking(IReadOnlyList<float> probabilities)
            => Enumerable.Range(0, probabilities.Count).OrderByDescending(k => probabilities[k]);
    }
}
