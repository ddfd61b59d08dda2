using System.ComponentModel;
using TorchSharp;

namespace Ibex.Runtime.CompilerServices
{
    /// <summary>The KL terms generated networks add to the loss, in nats; each formula is written once, in <c>Kernels.InformationTerms</c>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class InformationTerms
    {
        /// <summary>k₁ of Molchanov et al.'s (2017) sparse-VD approximation.</summary>
        public const double SparseVdK1 = Kernels.InformationTerms.SparseVdK1;

        /// <summary>k₂ of the sparse-VD approximation.</summary>
        public const double SparseVdK2 = Kernels.InformationTerms.SparseVdK2;

        /// <summary>k₃ of the sparse-VD approximation.</summary>
        public const double SparseVdK3 = Kernels.InformationTerms.SparseVdK3;

        /// <summary>The floor added to Information Dropout's α(x).</summary>
        public const double ActivationAlphaFloor = Kernels.InformationTerms.ActivationAlphaFloor;

        /// <summary>Σ ½·(log α_max − ρ) over the weights, against the log-uniform prior (Achille &amp; Soatto 2018).</summary>
        public static torch.Tensor LogUniformWeightNats(torch.Tensor clampedLogAlpha, double logAlphaMax, long weightsPerAlpha = 1)
            => Kernels.InformationTerms.LogUniformWeightNats(clampedLogAlpha, logAlphaMax, weightsPerAlpha);

        /// <summary>Molchanov et al.'s (2017) approximation of the KL of Gaussian noise against the log-uniform prior, summed.</summary>
        public static torch.Tensor SparseVdWeightNats(torch.Tensor clampedLogAlpha, long weightsPerAlpha = 1)
            => Kernels.InformationTerms.SparseVdWeightNats(clampedLogAlpha, weightsPerAlpha);

        /// <summary>Information Dropout's KL against the log-uniform prior.</summary>
        public static torch.Tensor LogUniformActivationNats(torch.Tensor alpha, double alphaMax)
            => Kernels.InformationTerms.LogUniformActivationNats(alpha, alphaMax);

        /// <summary>Information Dropout's KL against a learned log-normal prior.</summary>
        public static torch.Tensor LogNormalActivationNats(torch.Tensor alpha, torch.Tensor logActivation, torch.Tensor priorMean, torch.Tensor priorLogStd)
            => Kernels.InformationTerms.LogNormalActivationNats(alpha, logActivation, priorMean, priorLogStd);
    }
}
