using System.Linq;
using TorchSharp;
using TorchSharp.Modules;

namespace Ibex.Runtime.Layers
{
    /// <summary>
    /// The parameters of Information Dropout on an activation (Achille &amp; Soatto, arXiv:1611.01353): a layer parallel to
    /// the preceding Dense or Conv2d layer (<c>alpha_weight</c>, <c>alpha_bias</c>) that computes
    /// <c>α(x) = 0.001 + α_max·sigmoid(·)</c>, and for Softplus activations the learned log-normal prior of log z
    /// (<c>prior_mean</c> μ₁ = 0 and <c>prior_log_std</c> log σ₁ = 0 at the start).
    /// </summary>
    public sealed class InformationDropoutLayer : Layer
    {
        // Field names are the keys in saved weights (TorchSharp matches fields to registered names when moving a module).
        private Parameter alpha_weight;
        private Parameter alpha_bias;
        private Parameter? prior_mean;
        private Parameter? prior_log_std;

        /// <summary>Creates the layer.</summary>
        /// <param name="alphaWeightShape">The parallel layer's weight shape: out × in (Dense) or out × in × k × k (Conv2d).</param>
        /// <param name="learnedLogNormalPrior">Softplus: learn the prior log z ~ N(μ₁, σ₁²); ReLU: the log-uniform prior has no parameters.</param>
        /// <param name="device">Where to allocate; the CPU when null.</param>
        public InformationDropoutLayer(long[] alphaWeightShape, bool learnedLogNormalPrior, torch.Device? device = null)
            : base(nameof(InformationDropoutLayer))
        {
            (alpha_weight, var bias) = WeightLayer.Initialize(alphaWeightShape.ToArray(), hasBias: true, device);
            alpha_bias = bias!;
            register_parameter(nameof(alpha_weight), alpha_weight);
            register_parameter(nameof(alpha_bias), alpha_bias);
            if (learnedLogNormalPrior)
            {
                prior_mean = new Parameter(torch.zeros(1, device: device));
                prior_log_std = new Parameter(torch.zeros(1, device: device));
                register_parameter(nameof(prior_mean), prior_mean);
                register_parameter(nameof(prior_log_std), prior_log_std);
            }
        }

        /// <summary>The parallel layer's weight, which maps the preceding weight layer's input to the pre-sigmoid α.</summary>
        public Parameter AlphaWeight => alpha_weight;

        /// <summary>The parallel layer's bias.</summary>
        public Parameter AlphaBias => alpha_bias;

        /// <summary>Softplus only: μ₁, the mean of the log-normal prior on the activations.</summary>
        public Parameter PriorMean => prior_mean ?? throw new System.InvalidOperationException("A ReLU Information Dropout layer has a log-uniform prior without parameters.");

        /// <summary>Softplus only: log σ₁, the log standard deviation of the log-normal prior on the activations.</summary>
        public Parameter PriorLogStd => prior_log_std ?? throw new System.InvalidOperationException("A ReLU Information Dropout layer has a log-uniform prior without parameters.");

        /// <inheritdoc/>
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                alpha_weight.Dispose();
                alpha_bias.Dispose();
                prior_mean?.Dispose();
                prior_log_std?.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
