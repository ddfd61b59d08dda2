using System;

namespace Ibex.Runtime
{
    /// <summary>
    /// What prediction applies to a network's class probabilities, fitted after training on held-out examples and saved with
    /// the weights: a temperature T, applied to the predictive (p ← softmax(log p / T); for the mean network that is
    /// softmax(logits / T)), and optionally the threshold of adaptive prediction sets (Romano, Sesia &amp; Candès 2020) on the
    /// tempered probabilities. <c>Predictor.Calibrate</c> fits both.
    /// </summary>
    /// <param name="Temperature">T &gt; 0; 1 leaves the probabilities as they are.</param>
    /// <param name="SetThreshold">The APS threshold, or null for no prediction sets.</param>
    /// <param name="SetCoverage">The coverage the threshold was calibrated for, in (0, 1); null without sets.</param>
    /// <param name="RandomizedSets">Whether the sets draw u ~ U(0, 1) (close to exact coverage) or take u = 1 (never below it).
    /// A predictor draws u from its seed, call by call: the same call gives the same sets, but an example's randomized set
    /// can differ between batches. Unrandomized sets (the default of <c>Predictor.Calibrate</c>) depend on the example alone.</param>
    /// <param name="Samples">The Monte-Carlo weight samples S of the predictive it was fitted on (0: the mean network); predict
    /// with the same S for the coverage to hold.</param>
    public sealed record PredictionCalibration(double Temperature, double? SetThreshold = null, double? SetCoverage = null, bool RandomizedSets = false, int Samples = 0)
    {
        /// <summary>
        /// A regression network's split-conformal quantile q̂ of the normalized residuals |y − μ| / σ (σ the predictive
        /// standard deviation), so that <c>μ ± q̂·σ</c> holds a new target with <see cref="IntervalCoverage"/> over
        /// examples like the held-out ones (Angelopoulos &amp; Bates 2021, §2.3); <c>Predictor.CalibrateIntervals</c> fits it.
        /// Null for none.
        /// </summary>
        public double? IntervalQuantile { get; init; }

        /// <summary>The coverage <see cref="IntervalQuantile"/> was calibrated for, in (0, 1); null without it.</summary>
        public double? IntervalCoverage { get; init; }

        /// <summary>This calibration, or an <see cref="ArgumentException"/> that names the value that cannot be.</summary>
        public PredictionCalibration Checked()
        {
            if (!(double.IsFinite(Temperature) && Temperature > 0))
            {
                throw new ArgumentException($"The temperature is {Temperature}; it must be a finite number above 0 (1 for none).", nameof(Temperature));
            }

            if (SetThreshold is null != SetCoverage is null)
            {
                throw new ArgumentException("A prediction-set threshold needs the coverage it was calibrated for, and a coverage needs its threshold: give both or neither.", nameof(SetThreshold));
            }

            if (SetThreshold is { } threshold && !(double.IsFinite(threshold) && threshold >= 0))
            {
                throw new ArgumentException($"The prediction-set threshold is {threshold}; it must be a finite number ≥ 0.", nameof(SetThreshold));
            }

            if (SetCoverage is { } coverage && !(coverage > 0 && coverage < 1))
            {
                throw new ArgumentException($"The prediction-set coverage is {coverage}; it must lie in (0, 1), for example 0.9.", nameof(SetCoverage));
            }

            if (IntervalQuantile is null != IntervalCoverage is null)
            {
                throw new ArgumentException("An interval quantile needs the coverage it was calibrated for, and a coverage needs its quantile: give both or neither.", nameof(IntervalQuantile));
            }

            if (IntervalQuantile is { } quantile && !(double.IsFinite(quantile) && quantile > 0))
            {
                throw new ArgumentException($"The interval quantile is {quantile}; it must be a finite number above 0.", nameof(IntervalQuantile));
            }

            if (IntervalCoverage is { } intervalCoverage && !(intervalCoverage > 0 && intervalCoverage < 1))
            {
                throw new ArgumentException($"The interval coverage is {intervalCoverage}; it must lie in (0, 1), for example 0.9.", nameof(IntervalCoverage));
            }

            if (Samples < 0)
            {
                throw new ArgumentException($"The calibration's sample count is {Samples}; it must be 0 (the mean network) or more.", nameof(Samples));
            }

            return this;
        }
    }
}
