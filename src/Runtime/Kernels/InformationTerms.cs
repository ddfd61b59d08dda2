using System;
using System.ComponentModel;
using TorchSharp;

namespace Ibex.Runtime.Kernels
{
    /// <summary>
    /// The KL terms the generated networks add to the loss, in nats. The weight terms are Ĩ(w;D) of Achille &amp; Soatto
    /// (JMLR 2018); the activation terms are those of Information Dropout (arXiv:1611.01353). Each is written once, here,
    /// so that the generated code and the tests use the same formula.
    /// </summary>
    internal static class InformationTerms
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
        {
            // −½k·Σρ + ½k·n·log α_max. Every constant is a Scalar disposed here: TorchSharp's operators on doubles would leave
            // one to the finalizer per operation and per training step (see docs/dsl.md, "Scalars in a loop of your own").
            using Scalar perLogAlpha = -0.5 * weightsPerAlpha, atCap = 0.5 * weightsPerAlpha * logAlphaMax * clampedLogAlpha.numel(), one = 1;
            return clampedLogAlpha.sum().mul(perLogAlpha).add(atCap, one);
        }

        /// <summary>
        /// Gaussian weight noise against the log-uniform prior, Molchanov et al.'s (2017) approximation:
        /// <c>Σ_i k₁ − k₁·sigmoid(k₂ + k₃·ρ_i) + ½·log(1 + 1/α_i)</c>, each ρ counted <paramref name="weightsPerAlpha"/> times.
        /// It tends to −½·log α + k₁ as α → 0 and to 0 as α → ∞.
        /// </summary>
        public static torch.Tensor SparseVdWeightNats(torch.Tensor clampedLogAlpha, long weightsPerAlpha = 1)
        {
            // Σ_i [½·log(1 + 1/α_i) − k₁·sigmoid(k₂ + k₃·ρ_i)]·k + k₁·n·k, with log(1 + 1/α) = −log sigmoid(ρ), stable for
            // every ρ (TorchSharp's softplus would take its β and threshold as Scalars it does not dispose); the constants as
            // disposed Scalars, as above.
            using Scalar minusHalf = -0.5, k3 = SparseVdK3, k2 = SparseVdK2, minusK1 = -SparseVdK1, one = 1,
                perAlpha = weightsPerAlpha, constant = SparseVdK1 * weightsPerAlpha * clampedLogAlpha.numel();
            var perWeight = torch.nn.functional.logsigmoid(clampedLogAlpha).mul(minusHalf)
                .add(clampedLogAlpha.mul(k3).add(k2, one).sigmoid(), minusK1);
            return perWeight.sum().mul(perAlpha).add(constant, one);
        }

        /// <summary>
        /// Information Dropout on a ReLU, log-uniform prior on the activations: per unit <c>−log(α / (α_max + 0.001))</c>,
        /// 0 at the cap; summed over a batch element's units and averaged over the batch (the first dimension).
        /// </summary>
        public static torch.Tensor LogUniformActivationNats(torch.Tensor alpha, double alphaMax)
        {
            // (−Σ log α + n·log(α_max + 0.001)) / batch, the constants as disposed Scalars.
            long batch = alpha.size(0);
            using Scalar perLogAlpha = -1.0 / batch, atCap = Math.Log(alphaMax + ActivationAlphaFloor) * alpha.numel() / batch, one = 1;
            return alpha.log().sum().mul(perLogAlpha).add(atCap, one);
        }

        /// <summary>
        /// Information Dropout on a Softplus, learned log-normal prior log z ~ N(μ₁, σ₁²) on the activations: per unit
        /// <c>log(σ₁/α) + (α² + (log f(x) − μ₁)²) / (2σ₁²) − ½</c>; summed over units and averaged over the batch.
        /// </summary>
        public static torch.Tensor LogNormalActivationNats(torch.Tensor alpha, torch.Tensor logActivation, torch.Tensor priorMean, torch.Tensor priorLogStd)
        {
            // The constants as disposed Scalars; x⊙x rather than square(), which is pow(x, 2) with its exponent a Scalar.
            using Scalar two = 2, one = 1, minusHalf = -0.5, perBatch = 1.0 / alpha.size(0);
            var twicePriorVariance = priorLogStd.mul(two).exp().mul(two);
            var deviation = logActivation.sub(priorMean);
            var perUnit = priorLogStd.sub(alpha.log())
                .add(alpha.mul(alpha).add(deviation.mul(deviation), one).div(twicePriorVariance), one)
                .add(minusHalf, one);
            return perUnit.sum().mul(perBatch);
        }
    }
}
