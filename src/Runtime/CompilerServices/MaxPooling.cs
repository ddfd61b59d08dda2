using System.ComponentModel;
using TorchSharp;

namespace Ibex.Runtime.CompilerServices
{
    /// <summary>Generated passes' max pooling; the kernel is <c>Kernels.MaxPooling</c>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class MaxPooling
    {
        /// <summary>Max pooling of [batch, channels, H, W] over square windows.</summary>
        public static torch.Tensor Pool2d(torch.Tensor input, int kernel, int stride) => Kernels.MaxPooling.Pool2d(input, kernel, stride);
    }
}
