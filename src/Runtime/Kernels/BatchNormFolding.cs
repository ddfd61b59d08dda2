using System.ComponentModel;
using TorchSharp;
using static TorchSharp.torch;

namespace Ibex.Runtime.Kernels
{
    /// <summary>
    /// BatchNorm with running statistics folded into the convolution before it, for the mean network: with
    /// <c>s = γ / √(σ² + ε)</c> per output channel, <c>BN(conv(x, w) + b) = conv(x, w·s) + (b − μ)·s + β</c>
    /// (Ioffe &amp; Szegedy 2015, §3.1: in inference the normalization is a fixed linear transform). One pass over the
    /// activations fewer per folded pair; the weights are folded at every call, so they always follow training.
    /// </summary>
    internal static class BatchNormFolding
    {
        /// <summary>The folded weight <c>w·s</c> and bias <c>(b − μ)·s + β</c>.</summary>
        /// <param name="weight">The convolution's weight, <c>[out, in / groups, k, k]</c>.</param>
        /// <param name="bias">The convolution's bias, or null.</param>
        /// <param name="scale">BatchNorm's γ.</param>
        /// <param name="shift">BatchNorm's β.</param>
        /// <param name="runningMean">μ.</param>
        /// <param name="runningVariance">σ².</param>
        /// <param name="epsilon">ε.</param>
        public static (Tensor Weight, Tensor Bias) Fold(Tensor weight, Tensor? bias, Tensor scale, Tensor shift, Tensor runningMean, Tensor runningVariance, double epsilon)
        {
            using Scalar eps = epsilon;
            using var perChannel = runningVariance.add(eps).rsqrt_().mul_(scale);
            using var perWeight = perChannel.reshape(-1, 1, 1, 1);
            var foldedWeight = weight.mul(perWeight);
            using var centred = bias is null ? runningMean.neg() : bias.sub(runningMean);
            var foldedBias = centred.mul(perChannel).add_(shift);
            return (foldedWeight, foldedBias);
        }
    }
}
