using System;
using System.Collections.Generic;
using System.Linq;

namespace Ibex.Runtime.Evaluation
{
    /// <summary>Calibration of class probabilities: accuracy, NLL, Brier score, ECE, adaptive ECE and the reliability diagram.</summary>
    public static class Calibration
    {
        /// <summary>The number of confidence bins of ECE when none is given: 15, as in Guo et al. (2017).</summary>
        public const int DefaultBins = 15;

        /// <summary>The smallest probability NLL takes the logarithm of.</summary>
        public const double ProbabilityFloor = 1e-12;

        /// <summary>
        /// Scores <paramref name="probabilities"/> (one row of K class probabilities per example, e.g.
        /// <c>ClassPrediction.Probabilities</c>) against <paramref name="labels"/>. The confidence of a row is its largest
        /// probability, its prediction the first class that holds it.
        /// </summary>
        /// <exception cref="ArgumentException">Rows and labels differ in number or are empty, rows differ in length, a label is
        /// not a class, a row is not a probability vector, or <paramref name="bins"/> is below 1.</exception>
        public static ClassificationCalibration Evaluate(IReadOnlyList<IReadOnlyList<float>> probabilities, IReadOnlyList<int> labels, int bins = DefaultBins)
        {
            if (bins < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(bins), bins, "ECE needs at least one confidence bin.");
            }

            int classes = ScoreChecks.Classes(probabilities, labels, nameof(probabilities));
            ScoreChecks.Probabilities(probabilities);
            int n = probabilities.Count;
            var confidence = new double[n];
            var correct = new bool[n];
            double nll = 0, brier = 0;
            for (int i = 0; i < n; i++)
            {
                var row = probabilities[i];
                int predicted = ScoreChecks.ArgMax(row);
                confidence[i] = row[predicted];
                correct[i] = predicted == labels[i];
                nll -= Math.Log(Math.Max(row[labels[i]], ProbabilityFloor));
                for (int k = 0; k < classes; k++)
                {
                    double miss = row[k] - (k == labels[i] ? 1.0 : 0.0);
                    brier += miss * miss;
                }
            }

            var reliability = EqualWidthBins(confidence, correct, bins);
            return new ClassificationCalibration(n, correct.Count(c => c) / (double)n, nll / n, brier / n,
                Gap(reliability, n), Gap(EqualCountBins(confidence, correct, bins), n), reliability);
        }

        /// <summary>Σₘ (|Bₘ|/n)·|acc(Bₘ) − conf(Bₘ)|, empty bins contributing nothing.</summary>
        private static double Gap(IEnumerable<ReliabilityBin> bins, int n)
            => bins.Where(b => b.Count > 0).Sum(b => b.Count / (double)n * Math.Abs(b.Accuracy - b.MeanConfidence));

        /// <summary>Bins (m/M, (m+1)/M]; confidence 0 goes to the first.</summary>
        private static ReliabilityBin[] EqualWidthBins(double[] confidence, bool[] correct, int bins)
        {
            var count = new int[bins];
            var confidenceSum = new double[bins];
            var correctCount = new int[bins];
            for (int i = 0; i < confidence.Length; i++)
            {
                int bin = Math.Clamp((int)Math.Ceiling(confidence[i] * bins) - 1, 0, bins - 1);
                count[bin]++;
                confidenceSum[bin] += confidence[i];
                correctCount[bin] += correct[i] ? 1 : 0;
            }

            return Enumerable.Range(0, bins)
                .Select(m => new ReliabilityBin(m / (double)bins, (m + 1) / (double)bins, count[m],
                    count[m] == 0 ? double.NaN : confidenceSum[m] / count[m], count[m] == 0 ? double.NaN : correctCount[m] / (double)count[m]))
                .ToArray();
        }

        /// <summary>The examples sorted by confidence and cut into <paramref name="bins"/> runs whose sizes differ by at most one.</summary>
        private static IEnumerable<ReliabilityBin> EqualCountBins(double[] confidence, bool[] correct, int bins)
        {
            int n = confidence.Length;
            int[] order = Enumerable.Range(0, n).OrderBy(i => confidence[i]).ToArray();
            int used = Math.Min(bins, n);
            for (int m = 0; m < used; m++)
            {
                int start = (int)((long)m * n / used), end = (int)((long)(m + 1) * n / used);
                double confidenceSum = 0;
                int correctCount = 0;
                for (int j = start; j < end; j++)
                {
                    confidenceSum += confidence[order[j]];
                    correctCount += correct[order[j]] ? 1 : 0;
                }

                int size = end - start;
                yield return new ReliabilityBin(confidence[order[start]], confidence[order[end - 1]], size, confidenceSum / size, correctCount / (double)size);
            }
        }
    }
}
