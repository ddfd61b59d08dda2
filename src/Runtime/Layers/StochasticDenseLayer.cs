using TorchSharp;

namespace Ibex.Runtime.Layers
{
    /// <summary>
    /// The parameters of a fully connected layer with multiplicative log-normal weight noise: the mean weights ŵ
    /// (<c>weight</c>, out × in), a deterministic <c>bias</c>, and ρ = log α (<c>log_alpha</c>) per weight or per output
    /// unit, where <c>w = ŵ·ε</c>, <c>log ε ~ N(−α/2, α)</c> (Achille &amp; Soatto, JMLR 2018, §4.2).
    /// </summary>
    public sealed class StochasticDenseLayer : StochasticWeightLayer
    {
        /// <summary>
        /// Creates the layer: ŵ and bias as PyTorch's <c>nn.Linear</c>, every ρ at <paramref name="initialLogAlpha"/>; one ρ per
        /// weight (out × in), or with <paramref name="perUnit"/> one per output unit (out × 1).
        /// </summary>
        public StochasticDenseLayer(long inFeatures, long outFeatures, bool hasBias, double initialLogAlpha, bool perUnit = false, torch.Device? device = null)
            : base(nameof(StochasticDenseLayer), new[] { outFeatures, inFeatures }, hasBias, initialLogAlpha, perUnit, device)
        {
        }
    }
}
