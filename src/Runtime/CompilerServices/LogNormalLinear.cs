using System.ComponentModel;
using TorchSharp;

namespace Ibex.Runtime.CompilerServices
{
    /// <summary>Generated passes' log-normal Dense layer; the kernel is <c>Kernels.LogNormalLinear</c>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class LogNormalLinear
    {
        /// <summary>One local-reparameterization sample of x·Wᵀ + b under the weight noise, and the weights' Ĩ in nats.</summary>
        public static (torch.Tensor Output, torch.Tensor Information) Sample(torch.Tensor input, torch.Tensor weight, torch.Tensor? bias, torch.Tensor logAlpha,
            double minLogAlpha, double logAlphaMax, double varianceFloor)
            => Kernels.LogNormalLinear.Sample(input, weight, bias, logAlpha, minLogAlpha, logAlphaMax, varianceFloor);

        /// <summary>The mean network's x·Wᵀ + b.</summary>
        public static torch.Tensor Mean(torch.Tensor input, torch.Tensor weight, torch.Tensor? bias) => Kernels.LogNormalLinear.Mean(input, weight, bias);
    }
}
