using TorchSharp;

namespace Ibex.Runtime.Layers
{
    /// <summary>The parameters of a deterministic fully connected layer: <c>weight</c> (out × in) and an optional <c>bias</c>, as PyTorch's <c>nn.Linear</c>.</summary>
    public sealed class DenseLayer : WeightLayer
    {
        /// <summary>Creates the layer, initialized as PyTorch's <c>nn.Linear</c>.</summary>
        public DenseLayer(long inFeatures, long outFeatures, bool hasBias, torch.Device? device = null)
            : base(nameof(DenseLayer), new[] { outFeatures, inFeatures }, hasBias, device)
        {
        }
    }
}
