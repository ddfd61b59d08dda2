using System.ComponentModel;
using TorchSharp;

namespace Ibex.Runtime.CompilerServices
{
    /// <summary>Generated passes' Information Dropout noise; the kernel is <c>Kernels.InformationDropoutNoise</c>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class InformationDropoutNoise
    {
        /// <summary>The activation times log-normal noise of variance α(x), and its KL against the log-uniform prior in nats.</summary>
        public static (torch.Tensor Activation, torch.Tensor Information) LogUniform(torch.Tensor activation, torch.Tensor alphaLogits, double alphaMax)
            => Kernels.InformationDropoutNoise.LogUniform(activation, alphaLogits, alphaMax);
    }
}
