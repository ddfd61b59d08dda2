using TorchSharp;
using TorchSharp.Modules;

namespace Ibex.Runtime.Layers
{
    /// <summary>
    /// The parameters of a fully connected layer with multiplicative log-normal weight noise: the mean weights ŵ
    /// (<c>weight</c>), a deterministic <c>bias</c>, and one ρ = log α per weight (<c>log_alpha</c>), where
    /// <c>w = ŵ·ε</c>, <c>log ε ~ N(−α/2, α)</c> (Achille &amp; Soatto, JMLR 2018, §4.2).
    /// </summary>
    public sealed class StochasticDenseLayer : Layer
    {
        // Field names are the keys in saved weights (TorchSharp matches fields to registered names when moving a module).
        private Parameter weight;
        private Parameter? bias;
        private Parameter log_alpha;

        /// <summary>
        /// Creates the layer: ŵ and bias as PyTorch's <c>nn.Linear</c>, every ρ at <paramref name="initialLogAlpha"/>; one ρ per
        /// weight (out × in), or with <paramref name="perUnit"/> one per output unit (out × 1, broadcast over the unit's weights).
        /// </summary>
        public StochasticDenseLayer(long inFeatures, long outFeatures, bool hasBias, double initialLogAlpha, bool perUnit = false, torch.Device? device = null)
            : base(nameof(StochasticDenseLayer))
        {
            (weight, bias) = WeightInitialization.Create(new[] { outFeatures, inFeatures }, hasBias, device);
            log_alpha = new Parameter(torch.full(perUnit ? new[] { outFeatures, 1L } : new[] { outFeatures, inFeatures }, initialLogAlpha, device: device));
            register_parameter(nameof(weight), weight);
            if (bias is not null)
            {
                register_parameter(nameof(bias), bias);
            }

            register_parameter(nameof(log_alpha), log_alpha);
        }

        /// <summary>The mean weights ŵ, out × in.</summary>
        public Parameter Weight => weight;

        /// <summary>The (noise-free) bias, or null when the layer has none.</summary>
        public Parameter? Bias => bias;

        /// <summary>ρ = log α, out × in (or out × 1 when shared per unit); the generated code clamps it to its bounds.</summary>
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
