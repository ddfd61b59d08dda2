namespace Ibex.Runtime.Runs
{
    /// <summary>What the calibration stage fitted and how its sets or intervals did on the test set.</summary>
    /// <param name="HeldOutExamples">The training examples held out to calibrate on.</param>
    /// <param name="Calibration">What the saved network carries: temperature and set threshold, or interval quantile.</param>
    /// <param name="HeldOutExpectedCalibrationErrorBefore">A classifier's ECE on the held-out examples before temperature scaling; NaN for regression.</param>
    /// <param name="HeldOutExpectedCalibrationErrorAfter">The same after; NaN for regression.</param>
    /// <param name="TestCoverage">The share of test targets inside their prediction set or interval (NaN without a test set).</param>
    /// <param name="TestMeanSize">The mean prediction-set size (classes) or interval width (targets' units) on the test set.</param>
    public sealed record CalibrationOutcome(int HeldOutExamples, PredictionCalibration Calibration, double HeldOutExpectedCalibrationErrorBefore,
        double HeldOutExpectedCalibrationErrorAfter, double TestCoverage, double TestMeanSize);
}
