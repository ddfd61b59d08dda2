using TorchSharp;
using TorchSharp.Modules;

namespace Ibex.Runtime.Layers
{
    /// <summary>
    /// The state of a batch normalization over <c>features</c> features or channels: the learned scale (<c>weight</c>, 1) and
    /// shift (<c>bias</c>, 0), and the running mean and variance (buffers, saved with the weights) used in evaluation.
    /// </summary>
    public sealed class BatchNormLayer : Layer
    {
        // Field names are the keys in saved weights (TorchSharp matches fields to registered names when moving a module).
        private Parameter weight;
        private Parameter bias;
        private torch.Tensor running_mean;
        private torch.Tensor running_var;

        /// <summary>Creates the layer as PyTorch's <c>nn.BatchNorm1d/2d</c> starts: scale 1, shift 0, running mean 0 and variance 1.</summary>
        public BatchNormLayer(long features, torch.Device? device = null)
            : base(nameof(BatchNormLayer))
        {
            weight = new Parameter(torch.ones(features, device: device));
            bias = new Parameter(torch.zeros(features, device: device));
            running_mean = torch.zeros(features, device: device);
            running_var = torch.ones(features, device: device);
            register_parameter(nameof(weight), weight);
            register_parameter(nameof(bias), bias);
            register_buffer(nameof(running_mean), running_mean);
            register_buffer(nameof(running_var), running_var);
        }

        /// <summary>The learned scale γ.</summary>
        public Parameter Weight => weight;

        /// <summary>The learned shift β (not the information β).</summary>
        public Parameter Bias => bias;

        /// <summary>The running mean, updated in training and used in evaluation.</summary>
        public torch.Tensor RunningMean => running_mean;

        /// <summary>The running (unbiased) variance, updated in training and used in evaluation.</summary>
        public torch.Tensor RunningVariance => running_var;

        /// <inheritdoc/>
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                weight.Dispose();
                bias.Dispose();
                running_mean.Dispose();
                running_var.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
