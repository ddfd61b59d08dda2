using TorchSharp;
using TorchSharp.Modules;

namespace Ibex.Runtime.Layers
{
    /// <summary>
    /// The parameters of a deterministic 2-D convolution: <c>weight</c> (out × in × k × k) and <c>bias</c> (out). For a grouped
    /// convolution, <c>in</c> is the channels each filter sees: the input channels divided by the groups.
    /// </summary>
    public sealed class Conv2dLayer : Layer
    {
        // Field names are the keys in saved weights (TorchSharp matches fields to registered names when moving a module).
        private Parameter weight;
        private Parameter? bias;

        /// <summary>Creates the layer with PyTorch's <c>nn.Conv2d</c> initialization, U(−1/√(in·k²), 1/√(in·k²)).</summary>
        public Conv2dLayer(long inChannels, long outChannels, long kernel, bool hasBias, torch.Device? device = null)
            : base(nameof(Conv2dLayer))
        {
            (weight, bias) = WeightInitialization.Create(new[] { outChannels, inChannels, kernel, kernel }, hasBias, device);
            register_parameter(nameof(weight), weight);
            if (bias is not null)
            {
                register_parameter(nameof(bias), bias);
            }
        }

        /// <summary>The filters, out × in × k × k.</summary>
        public Parameter Weight => weight;

        /// <summary>The bias per output channel, or null when the layer has none.</summary>
        public Parameter? Bias => bias;

        /// <inheritdoc/>
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                weight.Dispose();
                bias?.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
