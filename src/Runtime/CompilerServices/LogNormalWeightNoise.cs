using System.ComponentModel;
using TorchSharp;

namespace Ibex.Runtime.CompilerServices
{
    /// <summary>Generated passes' log-normal weight noise of a convolution; the kernel is <c>Kernels.LogNormalWeightNoise</c>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class LogNormalWeightNoise
    {
        /// <summary>ŵ²·(e^α − 1) per weight, α = e^clamp(ρ), and Ĩ = Σ ½·(log α_max − clamp(ρ)) nats, in one pass.</summary>
        public static (torch.Tensor WeightVariance, torch.Tensor Information) Apply(torch.Tensor weight, torch.Tensor logAlpha, double minLogAlpha, double logAlphaMax)
            => Kernels.LogNormalWeightNoise.Apply(weight, logAlpha, minLogAlpha, logAlphaMax);
    }
}
