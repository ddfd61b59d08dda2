using System;
using System.Collections.Generic;
using System.Linq;

namespace Ibex.Runtime.Evaluation
{
    /// <summary>
    /// A multi-label predictive scored label by label: each label is its own yes/no question, so exact-match accuracy alone
    /// hides which labels the network gets right, how honest its probabilities are and how well it ranks.
    /// </summary>
    public static class MultiLabelEvaluation
    {
        /// <summary>Scores <paramref name="probabilities"/> (per example, p(label j present) for every label, e.g.
        /// <c>LabelPrediction.Probabilities</c>) against <paramref name="labels"/> (per example, whether each label is present).</summary>
        /// <returns>One <see cref="LabelScores"/> per label, in the rows' order.</returns>
        /// <exception cref="ArgumentException">Rows and labels differ in number or are empty, a row's length differs from the
        /// first one's, or a probability lies outside [0, 1].</exception>
        public static IReadOnlyList<LabelScores> Evaluate(IReadOnlyList<IReadOnlyList<float>> probabilities, IReadOnlyList<IReadOnlyList<bool>> labels)
        {
            ArgumentNullException.ThrowIfNull(probabilities);
            ArgumentNullException.ThrowIfNull(labels);
            int count = Check(probabilities, labels);
            var scores = new LabelScores[count];
            for (int j = 0; j < count; j++)
            {
                int label = j;
                var rows = probabilities.Select(row => (IReadOnlyList<float>)new[] { 1 - row[label], row[label] }).ToArray();
                int[] present = labels.Select(row => row[label] ? 1 : 0).ToArray();
                var calibration = Calibration.Evaluate(rows, present);
                double brier = probabilities.Select((row, i) => Math.Pow(row[label] - present[i], 2)).Average();
                var with = probabilities.Where((_, i) => present[i] == 1).Select(row => (double)row[label]).ToArray();
                var without = probabilities.Where((_, i) => present[i] == 0).Select(row => (double)row[label]).ToArray();
                scores[j] = new LabelScores(present.Length, with.Length / (double)present.Length, calibration.Accuracy, calibration.NegativeLogLikelihood,
                    brier, calibration.ExpectedCalibrationError, with.Length == 0 || without.Length == 0 ? double.NaN : AreaUnderRoc.Of(without, with));
            }

            return scores;
        }

        private static int Check(IReadOnlyList<IReadOnlyList<float>> probabilities, IReadOnlyList<IReadOnlyList<bool>> labels)
        {
            if (probabilities.Count != labels.Count)
            {
                throw new ArgumentException($"{probabilities.Count} rows of probabilities but {labels.Count} rows of labels; give one row of labels per example.", nameof(labels));
            }

            if (probabilities.Count == 0)
            {
                throw new ArgumentException("No examples: probabilities and labels are empty.", nameof(probabilities));
            }

            int count = probabilities[0].Count;
            if (count == 0)
            {
                throw new ArgumentException("Row 0 of probabilities is empty; give p(label present) for every label.", nameof(probabilities));
            }

            for (int i = 0; i < probabilities.Count; i++)
            {
                if (probabilities[i].Count != count || labels[i].Count != count)
                {
                    throw new ArgumentException($"Example {i} has {probabilities[i].Count} probabilities and {labels[i].Count} labels, example 0 has {count} probabilities; every example needs one of each per label.", nameof(probabilities));
                }

                for (int j = 0; j < count; j++)
                {
                    float p = probabilities[i][j];
                    if (!(p >= 0 && p <= 1))
                    {
                        throw new ArgumentException($"Probability {p} of label {j} in row {i} is outside [0, 1]; pass probabilities (a sigmoid), not logits.", nameof(probabilities));
                    }
                }
            }

            return count;
        }
    }
}
