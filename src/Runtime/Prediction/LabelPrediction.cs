using System.Collections.Generic;

namespace Ibex.Runtime.Prediction
{
    /// <summary>
    /// What a multi-label network (<c>Likelihood.Bernoulli</c>) predicts for one example, per label: with S weight samples
    /// the predictive <c>p̄_j = (1/S)·Σ_s sigmoid(f_j(x; w_s))</c>, its entropy and the mutual information between the label
    /// and the weights, <c>I(y_j; w | x) = H[p̄_j] − (1/S)·Σ_s H[p_s,j]</c>, in nats (binary entropies).
    /// </summary>
    /// <param name="Probabilities">p(y_j = 1) per label; σ(logit(p̄_j) / T_j) when the network carries label temperatures
    /// (<c>PredictionCalibration.LabelTemperatures</c>).</param>
    /// <param name="Labels">Whether each label is predicted present, p̄_j &gt; ½.</param>
    /// <param name="Samples">The number of weight samples S; 0 for the mean network.</param>
    /// <param name="Entropy">H[p̄_j] per label in nats, the whole uncertainty, of the tempered probability when there is one; null without samples.</param>
    /// <param name="MutualInformation">I(y_j; w | x) per label in nats, the epistemic part, of the untempered predictive; null without samples.</param>
    public sealed record LabelPrediction(IReadOnlyList<float> Probabilities, IReadOnlyList<bool> Labels, int Samples, IReadOnlyList<double>? Entropy, IReadOnlyList<double>? MutualInformation);
}
