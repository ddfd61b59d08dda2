using System.Collections.Generic;

namespace Ibex.Runtime.Runs
{
    /// <summary>What the calibration stage fitted and how its sets or intervals did on the test set.</summary>
    /// <param name="HeldOutExamples">The training examples held out to calibrate on.</param>
    /// <param name="Calibration">What the saved network carries: temperature and set threshold, interval quantiles, or label temperatures.</param>
    /// <param name="HeldOutExpectedCalibrationErrorBefore">A classifier's ECE on the held-out examples before temperature
    /// scaling, a multi-label network's mean over its labels; NaN for regression.</param>
    /// <param name="HeldOutExpectedCalibrationErrorAfter">The same after; NaN for regression.</param>
    /// <param name="TestCoverage">The share of test targets inside their prediction set or interval (NaN without a test set,
    /// and for a multi-label network, which has neither).</param>
    /// <param name="TestMeanSize">The mean prediction-set size (classes) on the test set, or the mean interval width of a
    /// one-target regression network in its units; NaN for several targets, whose widths are in
    /// <see cref="TestMeanWidthByTarget"/>.</param>
    public sealed record CalibrationOutcome(int HeldOutExamples, PredictionCalibration Calibration, double HeldOutExpectedCalibrationErrorBefore,
        double HeldOutExpectedCalibrationErrorAfter, double TestCoverage, double TestMeanSize)
    {
        /// <summary>A regression network's share of each target's test values inside their conformal intervals; null for a
        /// classifier or without a test set.</summary>
        public IReadOnlyList<double>? TestCoverageByTarget { get; init; }

        /// <summary>A regression network's mean conformal interval width on the test set, per target in its units; null for a
        /// classifier or without a test set.</summary>
        public IReadOnlyList<double>? TestMeanWidthByTarget { get; init; }
    }
}
