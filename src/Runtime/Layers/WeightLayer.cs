using System;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;

namespace Ibex.Runtime.Layers
{
    /// <summary>
    /// The parameters of a layer that multiplies by a weight tensor: the weights (<c>weight</c>, out × fan-in…) and an
    /// optional <c>bias</c>, both drawn from U(−1/√fan-in, 1/√fan-in) as PyTorch's <c>nn.Linear</c> and <c>nn.Conv2d</c> do.
    /// </summary>
    public abstract class WeightLayer : Layer
    {
        // Field names are the keys in saved weights (TorchSharp matches fields to registered names when moving a module).
        private Parameter weight;
        private Parameter? bias;

        /// <summary>Creates and registers the weights, shaped <paramref name="shape"/> (outputs first), and the bias.</summary>
        private protected WeightLayer(string name, long[] shape, bool hasBias, torch.Device? device)
            : base(name)
        {
            (weight, bias) = Initialize(shape, hasBias, device);
            register_parameter(nameof(weight), weight);
            if (bias is not null)
            {
                register_parameter(nameof(bias), bias);
            }
        }

        /// <summary>Weights shaped <paramref name="shape"/> (outputs first) and a bias, from U(−1/√fan-in, 1/√fan-in).</summary>
        internal static (Parameter Weight, Parameter? Bias) Initialize(long[] shape, bool hasBias, torch.Device? device)
        {
            if (shape.Any(d => d <= 0))
            {
                throw new ArgumentOutOfRangeException(nameof(shape), $"A weight layer needs at least one input and one output; got the weight shape [{string.Join(", ", shape)}].");
            }

            long fanIn = shape.Skip(1).Aggregate(1L, (product, d) => product * d);
            double bound = 1.0 / Math.Sqrt(fanIn);
            var weight = new Parameter(torch.empty(shape, device: device).uniform_(-bound, bound));
            var bias = hasBias ? new Parameter(torch.empty(shape[0], device: device).uniform_(-bound, bound)) : null;
            return (weight, bias);
        }

        /// <summary>The weights (the mean weights ŵ of a stochastic layer), outputs first.</summary>
        public Parameter Weight => weight;

        /// <summary>The (noise-free) bias per output, or null when the layer has none.</summary>
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
