using System.Collections.Generic;

namespace Ibex.Runtime.Evaluation
{
    /// <summary>How well a classifier's probabilities match how often it is right (<see cref="Calibration.Evaluate"/>).</summary>
    /// <param name="Examples">How many examples were scored.</param>
    /// <param name="Accuracy">The fraction whose most probable class was the label.</param>
    /// <param name="NegativeLogLikelihood">−(1/n)·Σ log p(yᵢ | xᵢ) in nats, each probability floored at 10⁻¹² (a zero costs 27.6 nats, not ∞).</param>
    /// <param name="BrierScore">(1/n)·Σᵢ Σₖ (pᵢₖ − [yᵢ = k])², Brier's (1950) score over all classes: 0 is perfect, 2 the worst.</param>
    /// <param name="ExpectedCalibrationError">ECE (Guo et al., ICML 2017, eq. 3): Σₘ (|Bₘ|/n)·|acc(Bₘ) − conf(Bₘ)| over equal-width confidence bins.</param>
    /// <param name="AdaptiveCalibrationError">The same sum over bins holding equal numbers of examples (adaptive ECE, Nixon et al., CVPR workshops 2019).</param>
    /// <param name="Reliability">The equal-width bins behind <paramref name="ExpectedCalibrationError"/>: a reliability diagram.</param>
    public sealed record ClassificationCalibration(int Examples, double Accuracy, double NegativeLogLikelihood, double BrierScore,
        double ExpectedCalibrationError, double AdaptiveCalibrationError, IReadOnlyList<ReliabilityBin> Reliability);
}
