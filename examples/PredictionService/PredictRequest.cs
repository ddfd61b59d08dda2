namespace Ibex.Examples.PredictionService;

/// <summary>
/// The JSON body of <c>POST /predict</c>: one example as <see cref="Features"/> or several as <see cref="Examples"/>, each
/// flat in the declared order, and the number of Monte-Carlo weight samples (0 for the mean network alone).
/// </summary>
public sealed record PredictRequest(float[]? Features, float[][]? Examples, int Samples = PredictRequest.DefaultSamples)
{
    /// <summary>Samples when the request names none: enough for a usable entropy and mutual information.</summary>
    public const int DefaultSamples = 16;
}
