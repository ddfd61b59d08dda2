namespace Ibex.Examples.PredictionService;

/// <summary>
/// The JSON body of <c>POST /predict</c>: one example as <see cref="Features"/> or several as <see cref="Examples"/>, each
/// flat in the declared order, and the number of Monte-Carlo weight samples (0 for the mean network alone; unset: the S
/// the network was calibrated with, else <see cref="DefaultSamples"/>).
/// </summary>
public sealed record PredictRequest(float[]? Features, float[][]? Examples, int? Samples = null)
{
    /// <summary>Samples when the request names none and the network carries no calibration: enough for a usable entropy and mutual information.</summary>
    public const int DefaultSamples = 16;

    /// <summary>
    /// The samples to predict with when a request names none: the S a calibrated network's temperature, sets or intervals
    /// were fitted with (their coverage holds for that S), else <see cref="DefaultSamples"/>.
    /// </summary>
    public static int DefaultFor(Ibex.Runtime.PredictionCalibration? calibration) => calibration?.Samples ?? DefaultSamples;
}
