using System.Collections.Generic;

namespace Ibex.Runtime.Evaluation
{
    /// <summary>How good and how honest a regression predictive is on labelled examples, in the targets' units.</summary>
    /// <param name="Examples">The number of (example, target) pairs scored.</param>
    /// <param name="RootMeanSquaredError">√(mean (y − μ)²).</param>
    /// <param name="NegativeLogLikelihood">The mean Gaussian NLL of the targets under N(μ, σ²), in nats.</param>
    /// <param name="IntervalCoverage90">The share of targets inside the central 90% Gaussian interval μ ± 1.645·σ.</param>
    /// <param name="IntervalWidth90">The mean width of that interval.</param>
    /// <param name="CalibrationCurve">For nominal levels 0.1, 0.2, …, 0.9 and 0.95, 0.99: the share of targets inside the
    /// central Gaussian interval of that level; a calibrated predictive lies on the diagonal (Kuleshov et al. 2018).</param>
    public sealed record RegressionCalibration(int Examples, double RootMeanSquaredError, double NegativeLogLikelihood, double IntervalCoverage90, double IntervalWidth90,
        IReadOnlyList<IntervalCoverage> CalibrationCurve);

    /// <summary>One point of a regression calibration curve.</summary>
    /// <param name="Nominal">The central interval's nominal coverage.</param>
    /// <param name="Observed">The share of targets it held.</param>
    public sealed record IntervalCoverage(double Nominal, double Observed);
}
