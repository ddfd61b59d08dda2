using System;
using System.Collections.Generic;
using System.Linq;

namespace Ibex.Runtime
{
    /// <summary>
    /// What prediction applies to a network's probabilities and intervals, fitted after training on held-out examples and
    /// saved with the weights. For a classifier a temperature T, applied to the predictive (p ← softmax(log p / T); for the
    /// mean network that is softmax(logits / T)), and optionally the threshold of adaptive prediction sets (Romano, Sesia
    /// &amp; Candès 2020) on the tempered probabilities; <c>Predictor.Calibrate</c> fits both. For a regression network
    /// <see cref="IntervalQuantiles"/>, for a multi-label network <see cref="LabelTemperatures"/>.
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
        /// A regression network's split-conformal quantiles, one per target: q̂_t of the normalized residuals
        /// |y_t − μ_t| / σ_t (σ_t the predictive standard deviation), so that <c>μ_t ± q̂_t·σ_t</c> holds a new example's
        /// target t with <see cref="IntervalCoverage"/> over examples like the held-out ones (Angelopoulos &amp; Bates 2021,
        /// §2.3), each target on its own; <c>Predictor.CalibrateIntervals</c> fits them. Null for none.
        /// </summary>
        public IReadOnlyList<double>? IntervalQuantiles
        {
            get => intervalQuantiles;
            init => intervalQuantiles = value?.ToArray();
        }

        /// <summary>The coverage <see cref="IntervalQuantiles"/> were calibrated for, in (0, 1); null without them.</summary>
        public double? IntervalCoverage { get; init; }

        /// <summary>
        /// A multi-label network's temperatures, one per label: the predictive's p̄_j becomes σ(logit(p̄_j) / T_j), which is
        /// softmax(log p / T) over the label's two outcomes, T_j fitted to the held-out binary cross-entropy
        /// (<c>Predictor.CalibrateLabels</c>). Null for none.
        /// </summary>
        public IReadOnlyList<double>? LabelTemperatures
        {
            get => labelTemperatures;
            init => labelTemperatures = value?.ToArray();
        }

        /// <summary>Equal when every value is, the interval quantiles compared target by target.</summary>
        public bool Equals(PredictionCalibration? other)
            => other is not null && Temperature.Equals(other.Temperature) && Nullable.Equals(SetThreshold, other.SetThreshold)
                && Nullable.Equals(SetCoverage, other.SetCoverage) && RandomizedSets == other.RandomizedSets && Samples == other.Samples
                && Nullable.Equals(IntervalCoverage, other.IntervalCoverage)
                && SameValues(IntervalQuantiles, other.IntervalQuantiles) && SameValues(LabelTemperatures, other.LabelTemperatures);

        /// <inheritdoc/>
        public override int GetHashCode()
            => HashCode.Combine(Temperature, SetThreshold, SetCoverage, RandomizedSets, Samples, IntervalCoverage, IntervalQuantiles?.Count, LabelTemperatures?.Count);

        /// <summary><see cref="Checked()"/>, interval quantiles only for a regression network, one per target, and label
        /// temperatures only for a multi-label network, one per label.</summary>
        internal PredictionCalibration CheckedFor(NetworkDescription description)
        {
            bool multiLabel = description.Likelihood == Dsl.Likelihood.Bernoulli;
            if (LabelTemperatures is { } temperatures && (!multiLabel || temperatures.Count != description.Targets))
            {
                throw new ArgumentException(
                    $"The calibration has {temperatures.Count} label temperatures; {description.Name} " +
                    (multiLabel ? $"predicts {description.Targets} labels and needs one per label." : "is no multi-label network and takes none."),
                    nameof(LabelTemperatures));
            }

            if (IntervalQuantiles is { } quantiles && (!description.IsRegression || quantiles.Count != description.Targets))
            {
                throw new ArgumentException(
                    $"The calibration has {quantiles.Count} interval quantiles; {description.Name} " +
                    (description.IsRegression ? $"predicts {description.Targets} targets and needs one per target." : "is no regression network and takes none."),
                    nameof(IntervalQuantiles));
            }

            return Checked();
        }

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

            if (IntervalQuantiles is null != IntervalCoverage is null)
            {
                throw new ArgumentException("Interval quantiles need the coverage they were calibrated for, and a coverage needs its quantiles: give both or neither.", nameof(IntervalQuantiles));
            }

            if (IntervalQuantiles is { } quantiles)
            {
                if (quantiles.Count == 0)
                {
                    throw new ArgumentException("The interval quantiles are empty; give one per target.", nameof(IntervalQuantiles));
                }

                for (int t = 0; t < quantiles.Count; t++)
                {
                    if (!(double.IsFinite(quantiles[t]) && quantiles[t] > 0))
                    {
                        throw new ArgumentException($"The interval quantile of target {t + 1} is {quantiles[t]}; it must be a finite number above 0.", nameof(IntervalQuantiles));
                    }
                }
            }

            if (LabelTemperatures is { } temperatures)
            {
                if (temperatures.Count == 0)
                {
                    throw new ArgumentException("The label temperatures are empty; give one per label.", nameof(LabelTemperatures));
                }

                for (int j = 0; j < temperatures.Count; j++)
                {
                    if (!(double.IsFinite(temperatures[j]) && temperatures[j] > 0))
                    {
                        throw new ArgumentException($"The temperature of label {j + 1} is {temperatures[j]}; it must be a finite number above 0 (1 for none).", nameof(LabelTemperatures));
                    }
                }
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

        private static bool SameValues(IReadOnlyList<double>? these, IReadOnlyList<double>? those)
            => these is null ? those is null : those is not null && these.SequenceEqual(those);

        private readonly double[]? intervalQuantiles;
        private readonly double[]? labelTemperatures;
    }
}
