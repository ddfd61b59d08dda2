using System.ComponentModel;
using TorchSharp;

namespace Ibex.Runtime.CompilerServices
{
    /// <summary>Generated passes' local reparameterization; the kernel is <c>Kernels.LocalReparameterization</c>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class LocalReparameterization
    {
        /// <summary>mean + √(variance + floor)·ξ, ξ ~ N(0, 1) per element (Kingma et al. 2015).</summary>
        public static torch.Tensor Sample(torch.Tensor mean, torch.Tensor variance, double varianceFloor) => Kernels.LocalReparameterization.Sample(mean, variance, varianceFloor);
    }
}
