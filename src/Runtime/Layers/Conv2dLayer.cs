using TorchSharp;

namespace Ibex.Runtime.Layers
{
    /// <summary>The parameters of a deterministic 2-D convolution: filters <c>weight</c> (out × in × k × k) and an optional <c>bias</c>, as PyTorch's <c>nn.Conv2d</c>.</summary>
    public sealed class Conv2dLayer : WeightLayer
    {
        /// <summary>Creates the layer, initialized as PyTorch's <c>nn.Conv2d</c>.</summary>
        public Conv2dLayer(long inChannels, long outChannels, long kernel, bool hasBias, torch.Device? device = null)
            : base(nameof(Conv2dLayer), new[] { outChannels, inChannels, kernel, kernel }, hasBias, device)
        {
        }
    }
}
