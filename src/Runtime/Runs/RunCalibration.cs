namespace Ibex.Runtime.Runs
{
    /// <summary>
    /// Calibration after training (<see cref="TrainingRunOptions.Calibration"/>): the last <see cref="HeldOutFraction"/> of
    /// the training examples are held out of training, and the trained network is calibrated on them with the run's
    /// Monte-Carlo samples — a classifier's temperature and adaptive prediction sets (<c>Predictor.Calibrate</c>), a
    /// regression network's conformal intervals (<c>Predictor.CalibrateIntervals</c>) — before it is saved, so that
    /// <c>network.ibexnet</c> and everything that loads it predict calibrated.
    /// </summary>
    public sealed record RunCalibration
    {
        /// <summary>The share of the training examples held out for calibration, in (0, 0.5]. Default 0.1.</summary>
        public double HeldOutFraction { get; init; } = 0.1;

        /// <summary>The coverage of prediction sets or intervals, in (0, 1). Default 0.9.</summary>
        public double Coverage { get; init; } = 0.9;

        /// <summary>Whether a classifier's prediction sets are randomized (closer to exact coverage, not batch-invariant). Default false.</summary>
        public bool RandomizedSets { get; init; }
    }
}
