using TorchSharp;
using TorchSharp.Modules;

namespace Ibex.Runtime.Layers
{
    /// <summary>
    /// The parameters of a layer normalization over one example's whole shape: the learned element-wise scale
    /// (<c>weight</c>, 1) and shift (<c>bias</c>, 0), each shaped like the example, as PyTorch's <c>nn.LayerNorm</c>.
    /// </summary>
    public sealed class LayerNormLayer : Layer
    {
        // Field names are the keys in saved weights (TorchSharp matches fields to registered names when moving a module).
        private Parameter weight;
        private Parameter bias;

        /// <summary>Creates the layer as <c>nn.LayerNorm(shape)</c> starts: scale 1, shift 0.</summary>
        /// <param name="shape">The shape of one example: <c>[features]</c> or <c>[channels, height, width]</c>.</param>
        /// <param name="device">Where the parameters live; the CPU when null.</param>
        public LayerNormLayer(long[] shape, torch.Device? device = null)
            : base(nameof(LayerNormLayer))
        {
            weight = new Parameter(torch.ones(shape, device: device));
            bias = new Parameter(torch.zeros(shape, device: device));
            register_parameter(nameof(weight), weight);
            register_parameter(nameof(bias), bias);
        }

        /// <summary>The learned element-wise scale γ.</summary>
        public Parameter Weight => weight;

        /// <summary>The learned element-wise shift (not the information β).</summary>
        public Parameter Bias => bias;

        /// <inheritdoc/>
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                weight.Dispose();
                bias.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
