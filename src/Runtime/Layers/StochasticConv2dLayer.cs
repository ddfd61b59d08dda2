using TorchSharp;

namespace Ibex.Runtime.Layers
{
    /// <summary>
    /// The parameters of a 2-D convolution with multiplicative weight noise: the mean filters ŵ (<c>weight</c>,
    /// out × in × k × k), a deterministic <c>bias</c>, and ρ = log α (<c>log_alpha</c>) per weight or per output channel.
    /// </summary>
    public sealed class StochasticConv2dLayer : StochasticWeightLayer
    {
        /// <summary>
        /// Creates the layer: ŵ and bias as PyTorch's <c>nn.Conv2d</c>, every ρ at <paramref name="initialLogAlpha"/>; one ρ per
        /// weight, or with <paramref name="perUnit"/> one per output channel (out × 1 × 1 × 1).
        /// </summary>
        public StochasticConv2dLayer(long inChannels, long outChannels, long kernel, bool hasBias, double initialLogAlpha, bool perUnit = false, torch.Device? device = null)
            : base(nameof(StochasticConv2dLayer), new[] { outChannels, inChannels, kernel, kernel }, hasBias, initialLogAlpha, perUnit, device)
        {
        }
    }
}
