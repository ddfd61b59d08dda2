using System;
using TorchSharp;
using TorchSharp.Modules;

namespace Ibex.Runtime.Layers
{
    /// <summary>The parameters of a deterministic fully connected layer: <c>weight</c> (out × in) and <c>bias</c>.</summary>
    public sealed class DenseLayer : Layer
    {
        // Field names are the keys in saved weights (TorchSharp matches fields to registered names when moving a module).
        private Parameter weight;
        private Parameter? bias;

        /// <summary>Creates the layer with PyTorch's <c>nn.Linear</c> initialization, U(−1/√in, 1/√in).</summary>
        public DenseLayer(long inFeatures, long outFeatures, bool hasBias, torch.Device? device = null)
            : base(nameof(DenseLayer))
        {
            (weight, bias) = WeightInitialization.Create(new[] { outFeatures, inFeatures }, hasBias, device);
            register_parameter(nameof(weight), weight);
            if (bias is not null)
            {
                register_parameter(nameof(bias), bias);
            }
        }

        /// <summary>The weight matrix, out × in.</summary>
        public Parameter Weight => weight;

        /// <summary>The bias, or null when the layer has none.</summary>
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
