using System.Collections.Generic;

namespace Ibex.Runtime.Prediction
{
    /// <summary>What a network predicts for one example.</summary>
    /// <param name="Class">The most probable class, 0 … K−1.</param>
    /// <param name="Probabilities">The class probabilities: the mean network's softmax, or with Monte-Carlo samples the
    /// predictive mean <c>p̄ = (1/S)·Σ_s softmax(f(x; w_s))</c>; with a calibration, softmax(log p / T).</param>
    /// <param name="Samples">The number of weight samples S behind the probabilities; 0 for the mean network.</param>
    /// <param name="PredictiveEntropy">H[p̄] in nats, the whole uncertainty of the prediction (of the calibrated p̄ when
    /// there is a temperature); null without samples.</param>
    /// <param name="MutualInformation">I(y; w | x) = H[p̄] − (1/S)·Σ_s H[p_s] in nats, the part of the uncertainty that
    /// comes from not knowing the weights (epistemic), from the uncalibrated samples; null without samples.</param>
    public sealed record ClassPrediction(int Class, IReadOnlyList<float> Probabilities, int Samples, double? PredictiveEntropy, double? MutualInformation)
    {
        /// <summary>The name of <see cref="Class"/>, when the network's training data named its classes; otherwise null.</summary>
        public string? ClassName { get; init; }

        /// <summary>
        /// The adaptive prediction set, most probable class first, when the network carries a calibrated set threshold
        /// (<see cref="PredictionCalibration"/>): it holds the true class with the calibrated coverage over examples like the
        /// held-out ones; otherwise null.
        /// </summary>
        public IReadOnlyList<int>? PredictionSet { get; init; }

        /// <summary>The probability of <see cref="Class"/>.</summary>
        public float Confidence => Probabilities[Class];
    }
}
