using Ibex.Runtime.Evaluation;

namespace Ibex.Runtime.Prediction
{
    /// <summary>What <c>Predictor.Calibrate</c> fitted, and the held-out examples' calibration before and after the temperature.</summary>
    /// <param name="Calibration">What the predictor now applies and <c>Predictor.Save</c> keeps.</param>
    /// <param name="Before">The held-out examples' calibration at T = 1.</param>
    /// <param name="After">Their calibration at the fitted T (in-sample: measure on a test set for an honest number).</param>
    /// <param name="Temperature">The fit of T.</param>
    /// <param name="Sets">The adaptive prediction sets' threshold.</param>
    public sealed record PredictionCalibrationFit(PredictionCalibration Calibration, ClassificationCalibration Before, ClassificationCalibration After,
        Temperature Temperature, ConformalClassifier Sets);
}
