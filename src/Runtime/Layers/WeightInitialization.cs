using System;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;

namespace Ibex.Runtime.Layers
{
    /// <summary>PyTorch's initialization of <c>nn.Linear</c> and <c>nn.Conv2d</c>, shared by every weight layer.</summary>
    internal static class WeightInitialization
    {
        /// <summary>
        /// A weight of <paramref name="shape"/> (out first) and an optional bias of <c>out</c> values, both U(−1/√fan-in, 1/√fan-in):
        /// <c>kaiming_uniform_(a = √5)</c> reduces to that bound, and PyTorch draws the bias with the same one.
        /// </summary>
        public static (Parameter Weight, Parameter? Bias) Create(long[] shape, bool hasBias, torch.Device? device)
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
    }
}
