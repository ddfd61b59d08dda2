using System;
using System.Collections.Generic;
using System.Linq;

namespace Ibex.Runtime.Evaluation
{
    /// <summary>Everything <see cref="ClassifierEvaluation.Evaluate"/> measures of a classifier's predictive on labelled examples.</summary>
    /// <param name="Calibration">Accuracy, NLL, Brier score, ECE, adaptive ECE and the reliability bins.</param>
    /// <param name="RiskCoverage">The risk–coverage curve of answering by confidence (the top class's probability), and its area.</param>
    /// <param name="OutOfDistribution">Per named score, how well it tells the out-of-distribution examples from these; empty when none were given.</param>
    public sealed record ClassifierScores(ClassificationCalibration Calibration, RiskCoverage RiskCoverage, IReadOnlyDictionary<string, OutOfDistributionDetection> OutOfDistribution);

    /// <summary>
    /// One call for a classifier's whole uncertainty evaluation: <see cref="Calibration.Evaluate"/>,
    /// <see cref="SelectiveClassification.Evaluate"/> on the top class's probability, and <see cref="OutOfDistribution.Evaluate"/>
    /// for every score given with its values on the out-of-distribution examples.
    /// </summary>
    public static class ClassifierEvaluation
    {
        /// <summary>Scores <paramref name="probabilities"/> (one row per example) against <paramref name="labels"/>.</summary>
        /// <param name="probabilities">The predictive's class probabilities.</param>
        /// <param name="labels">The true classes.</param>
        /// <param name="outOfDistribution">Optional: per score name (for example "predictive entropy"), its values on these
        /// examples and on out-of-distribution ones, higher meaning less to trust.</param>
        /// <exception cref="ArgumentException">As the three evaluations: mismatched lengths, labels outside the classes, values that are not finite.</exception>
        public static ClassifierScores Evaluate(IReadOnlyList<IReadOnlyList<float>> probabilities, IReadOnlyList<int> labels,
            IReadOnlyDictionary<string, (IReadOnlyList<double> InDistribution, IReadOnlyList<double> OutOfDistribution)>? outOfDistribution = null)
        {
            var calibration = Calibration.Evaluate(probabilities, labels);
            var confidence = new double[probabilities.Count];
            var correct = new bool[probabilities.Count];
            for (int i = 0; i < probabilities.Count; i++)
            {
                var row = probabilities[i];
                int top = ScoreChecks.ArgMax(row);
                confidence[i] = row[top];
                correct[i] = top == labels[i];
            }

            var detection = (outOfDistribution ?? new Dictionary<string, (IReadOnlyList<double>, IReadOnlyList<double>)>())
                .ToDictionary(score => score.Key, score => Evaluation.OutOfDistribution.Evaluate(score.Value.InDistribution, score.Value.OutOfDistribution), StringComparer.Ordinal);
            return new ClassifierScores(calibration, SelectiveClassification.Evaluate(confidence, correct), detection);
        }
    }
}
