using TorchSharp;
using TorchSharp.Modules;

namespace Ibex.Runtime.Layers
{
    /// <summary>
    /// The parameters of a 2-D convolution with multiplicative weight noise: the mean filters ŵ (<c>weight</c>,
    /// out × in × k × k), a deterministic <c>bias</c>, and ρ = log α (<c>log_alpha</c>) per weight or per output channel.
    /// </summary>
    public sealed class StochasticConv2dLayer : Layer
    {
        // Field names are the keys in saved weights (TorchSharp matches fields to registered names when moving a module).
        private Parameter weight;
        private Parameter? bias;
        private Parameter log_alpha;

        /// <summary>
        /// Creates the layer: ŵ and bias as PyTorch's <c>nn.Conv2d</c>, every ρ at <paramref name="initialLogAlpha"/>; one ρ per
        /// weight, or with <paramref name="perUnit"/> one per output channel (out × 1 × 1 × 1, broadcast over its filter).
        /// </summary>
        public StochasticConv2dLayer(long inChannels, long outChannels, long kernel, bool hasBias, double initialLogAlpha, bool perUnit = false, torch.Device? device = null)
            : base(nameof(StochasticConv2dLayer))
        {
            (weight, bias) = WeightInitialization.Create(new[] { outChannels, inChannels, kernel, kernel }, hasBias, device);
            log_alpha = new Parameter(torch.full(perUnit ? new[] { outChannels, 1L, 1L, 1L } : new[] { outChannels, inChannels, kernel, kernel }, initialLogAlpha, device: device));
            register_parameter(nameof(weight), weight);
            if (bias is not null)
            {
                register_parameter(nameof(bias), bias);
            }

            register_parameter(nameof(log_alpha), log_alpha);
        }

        /// <summary>The mean filters ŵ, out × in × k × k.</summary>
        public Parameter Weight => weight;

        /// <summary>The (noise-free) bias per output channel, or null when the layer has none.</summary>
        public Parameter? Bias => bias;

        /// <summary>ρ = log α, shaped like the filters (or out × 1 × 1 × 1 when shared per channel).</summary>
        public Parameter LogAlpha => log_alpha;

        /// <inheritdoc/>
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                weight.Dispose();
                bias?.Dispose();
                log_alpha.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
