using System;
using TorchSharp;

namespace Ibex.Runtime
{
    /// <summary>
    /// The KL terms the generated networks add to the loss, in nats. The weight terms are Ĩ(w;D) of Achille &amp; Soatto
    /// (JMLR 2018); the activation terms are those of Information Dropout (arXiv:1611.01353). Each is written once, here,
    /// so that the generated code and the tests use the same formula.
    /// </summary>
    public static class InformationTerms
    {
        /// <summary>k₁ of Molchanov et al.'s (2017) sparse-VD approximation: the KL tends to −½·log α + k₁ as α → 0.</summary>
        public const double SparseVdK1 = 0.63576;

        /// <summary>k₂ of the sparse-VD approximation.</summary>
        public const double SparseVdK2 = 1.87320;

        /// <summary>k₃ of the sparse-VD approximation.</summary>
        public const double SparseVdK3 = 1.48695;

        /// <summary>The floor of Information Dropout's α(x) = 0.001 + α_max·sigmoid(·), which keeps log α finite.</summary>
        public const double ActivationAlphaFloor = 0.001;

        /// <summary>
        /// Log-normal weight noise against the log-uniform prior, exact (Prop. 4.1), normalized to 0 at the cap:
        /// <c>Σ_i ½·(log α_max − ρ_i)</c>, each ρ counted <paramref name="weightsPerAlpha"/> times (α shared per unit).
        /// </summary>
        public static torch.Tensor LogUniformWeightNats(torch.Tensor clampedLogAlpha, double logAlphaMax, long weightsPerAlpha = 1)
            => (logAlphaMax * clampedLogAlpha.numel() - clampedLogAlpha.sum()) * (0.5 * weightsPerAlpha);

        /// <summary>
        /// Gaussian weight noise against the log-uniform prior, Molchanov et al.'s (2017) approximation:
        /// <c>Σ_i k₁ − k₁·sigmoid(k₂ + k₃·ρ_i) + ½·log(1 + 1/α_i)</c>, each ρ counted <paramref name="weightsPerAlpha"/> times.
        /// It tends to −½·log α + k₁ as α → 0 and to 0 as α → ∞.
        /// </summary>
        public static torch.Tensor SparseVdWeightNats(torch.Tensor clampedLogAlpha, long weightsPerAlpha = 1)
        {
            // ½·log(1 + 1/α) = ½·softplus(−ρ), stable for every ρ.
            var perWeight = torch.nn.functional.softplus(clampedLogAlpha.neg()).mul(0.5)
                .sub(clampedLogAlpha.mul(SparseVdK3).add(SparseVdK2).sigmoid().mul(SparseVdK1))
                .add(SparseVdK1);
            return perWeight.sum().mul(weightsPerAlpha);
        }

        /// <summary>
        /// Information Dropout on a ReLU, log-uniform prior on the activations: per unit <c>−log(α / (α_max + 0.001))</c>,
        /// 0 at the cap; summed over a batch element's units and averaged over the batch (the first dimension).
        /// </summary>
        public static torch.Tensor LogUniformActivationNats(torch.Tensor alpha, double alphaMax)
            => alpha.log().neg().add(Math.Log(alphaMax + ActivationAlphaFloor)).sum().div(alpha.shape[0]);

        /// <summary>
        /// Information Dropout on a Softplus, learned log-normal prior log z ~ N(μ₁, σ₁²) on the activations: per unit
        /// <c>log(σ₁/α) + (α² + (log f(x) − μ₁)²) / (2σ₁²) − ½</c>; summed over units and averaged over the batch.
        /// </summary>
        public static torch.Tensor LogNormalActivationNats(torch.Tensor alpha, torch.Tensor logActivation, torch.Tensor priorMean, torch.Tensor priorLogStd)
        {
            var priorVariance = priorLogStd.mul(2).exp();
            var perUnit = priorLogStd.sub(alpha.log())
                .add(alpha.square().add(logActivation.sub(priorMean).square()).div(priorVariance.mul(2)))
                .sub(0.5);
            return perUnit.sum().div(alpha.shape[0]);
        }
    }
}
