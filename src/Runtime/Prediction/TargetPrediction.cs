using System;
using System.Collections.Generic;

namespace Ibex.Runtime.Prediction
{
    /// <summary>
    /// What a regression network predicts for one example, per target, in the targets' own units (a network trained on
    /// standardized targets maps back with its saved statistics). With S weight samples the predictive is the mixture of
    /// the samples' Gaussians N(μ_s, σ²_s); by the law of total variance its variance is
    /// <c>E_s[σ²_s] + Var_s[μ_s]</c>: the noise the network predicts in the data (aleatoric) plus its disagreement across
    /// weight samples (epistemic, from not knowing the weights).
    /// </summary>
    /// <param name="Mean">The predictive mean <c>(1/S)·Σ_s μ_s</c> per target (the mean network's μ for S = 0).</param>
    /// <param name="AleatoricVariance"><c>(1/S)·Σ_s σ²_s</c> per target: the learned noise variance of a homoscedastic
    /// network, the predicted one of a heteroscedastic network.</param>
    /// <param name="EpistemicVariance"><c>(1/S)·Σ_s (μ_s − μ̄)²</c> per target; 0 for the mean network (S = 0).</param>
    /// <param name="Lower">The interval's lower bound per target: <c>μ̄ − q·σ</c>, σ the predictive standard deviation.</param>
    /// <param name="Upper">The interval's upper bound per target: <c>μ̄ + q·σ</c>.</param>
    /// <param name="IntervalCoverage">The interval's nominal coverage: the calibrated one when the network carries a conformal
    /// quantile for the target (<see cref="PredictionCalibration.IntervalQuantiles"/>), else 0.9 from the Gaussian quantile q = 1.645.</param>
    /// <param name="IsConformal">Whether q is the conformal quantile (coverage guaranteed over exchangeable examples) or the
    /// Gaussian one (coverage only as good as the predictive's shape).</param>
    /// <param name="Samples">The number of weight samples S; 0 for the mean network.</param>
    public sealed record TargetPrediction(
        IReadOnlyList<double> Mean,
        IReadOnlyList<double> AleatoricVariance,
        IReadOnlyList<double> EpistemicVariance,
        IReadOnlyList<double> Lower,
        IReadOnlyList<double> Upper,
        double IntervalCoverage,
        bool IsConformal,
        int Samples)
    {
        /// <summary>The predictive standard deviation of target <paramref name="target"/>, <c>√(aleatoric + epistemic)</c>.</summary>
        public double StandardDeviation(int target) => Math.Sqrt(AleatoricVariance[target] + EpistemicVariance[target]);

        /// <summary>
        /// Target <paramref name="target"/> of every prediction and of <paramref name="values"/> (every example's targets in
        /// turn, as <see cref="Data.LabeledData.TargetValues"/> gives them): means, predictive standard deviations and the
        /// targets themselves, for scores that take plain lists of one quantity in one unit.
        /// </summary>
        internal static (double[] Means, double[] Deviations, double[] Targets) Column(IReadOnlyList<TargetPrediction> predictions, IReadOnlyList<double> values, int target)
        {
            int targets = predictions.Count == 0 ? 0 : predictions[0].Mean.Count;
            if (values.Count != predictions.Count * targets)
            {
                throw new ArgumentException($"{predictions.Count} predictions of {targets} targets need {predictions.Count * targets} target values; got {values.Count}.", nameof(values));
            }

            var means = new double[predictions.Count];
            var deviations = new double[predictions.Count];
            var observed = new double[predictions.Count];
            for (int i = 0; i < predictions.Count; i++)
            {
                means[i] = predictions[i].Mean[target];
                deviations[i] = predictions[i].StandardDeviation(target);
                observed[i] = values[i * targets + target];
            }

            return (means, deviations, observed);
        }
    }
}
