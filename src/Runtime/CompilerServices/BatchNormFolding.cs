using System.ComponentModel;
using TorchSharp;

namespace Ibex.Runtime.CompilerServices
{
    /// <summary>Generated mean passes' BatchNorm folded into the convolution before it; the arithmetic is <c>Kernels.BatchNormFolding</c>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class BatchNormFolding
    {
        /// <summary>w·s and (b − μ)·s + β, s = γ/√(σ² + ε) per output channel.</summary>
        public static (torch.Tensor Weight, torch.Tensor Bias) Fold(torch.Tensor weight, torch.Tensor? bias, torch.Tensor scale, torch.Tensor shift, torch.Tensor runningMean, torch.Tensor runningVariance, double epsilon)
            => Kernels.BatchNormFolding.Fold(weight, bias, scale, shift, runningMean, runningVariance, epsilon);
    }
}
