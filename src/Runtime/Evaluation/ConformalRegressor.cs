using System;
using System.Collections.Generic;

namespace Ibex.Runtime.Evaluation
{
    /// <summary>
    /// Split conformal intervals normalized by the predictive standard deviation: μ ± q·σ, with q the conformal threshold
    /// of the calibration examples' |y − μ|/σ, so the interval is wide where the network is unsure and holds the target
    /// with probability at least <see cref="Coverage"/> over exchangeable examples (Angelopoulos &amp; Bates 2021, §2.3).
    /// </summary>
    /// <param name="Quantile">q, in standard deviations.</param>
    /// <param name="Coverage">The nominal coverage c.</param>
    /// <param name="CalibrationExamples">How many held-out examples set q.</param>
    public sealed record ConformalRegressor(double Quantile, double Coverage, int CalibrationExamples)
    {
        /// <summary>Calibrates on held-out predictions (mean, standard deviation) and their targets.</summary>
        /// <exception cref="ArgumentException">The lists differ in length or are empty, a value is not finite, a standard
        /// deviation is not positive, or there are too few examples for <paramref name="coverage"/>.</exception>
        public static ConformalRegressor Calibrate(IReadOnlyList<double> mean, IReadOnlyList<double> standardDeviation, IReadOnlyList<double> targets, double coverage = 0.9)
        {
            ConformalQuantile.CheckCoverage(coverage);
            ScoreChecks.Finite(mean, nameof(mean));
            ScoreChecks.Finite(standardDeviation, nameof(standardDeviation));
            ScoreChecks.Finite(targets, nameof(targets));
            if (mean.Count != standardDeviation.Count || mean.Count != targets.Count)
            {
                throw new ArgumentException($"{mean.Count} means, {standardDeviation.Count} standard deviations and {targets.Count} targets; give one of each per example.", nameof(targets));
            }

            var scores = new double[mean.Count];
            for (int i = 0; i < scores.Length; i++)
            {
                if (!(standardDeviation[i] > 0))
                {
                    throw new ArgumentException($"standardDeviation[{i}] is {standardDeviation[i]}; intervals scale with it, so it must be positive.", nameof(standardDeviation));
                }

                scores[i] = Math.Abs(targets[i] - mean[i]) / standardDeviation[i];
            }

            return new ConformalRegressor(ConformalQuantile.Of(scores, coverage), coverage, scores.Length);
        }

        /// <summary>The interval μ ± q·σ of one prediction.</summary>
        public (double Lower, double Upper) Interval(double mean, double standardDeviation)
            => (mean - Quantile * standardDeviation, mean + Quantile * standardDeviation);
    }
}
