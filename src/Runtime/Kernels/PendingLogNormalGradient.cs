using System;
using static TorchSharp.torch;

namespace Ibex.Runtime.Kernels
{
    /// <summary>
    /// A fused log-normal layer's ŵ and ρ gradients, kept in the form its backward leaves them (the product gᵀ·x and G, the
    /// gradient of V) so that <see cref="FusedAdam"/> can finish them and update ŵ, ρ and their moments in one pass
    /// (<see cref="LogNormalAdamUpdate"/>). <see cref="Materialize"/> finishes them as ordinary <c>.grad</c>s instead.
    /// </summary>
    internal sealed class PendingLogNormalGradient : IDisposable
    {
        public PendingLogNormalGradient(Tensor weight, Tensor logAlpha, Tensor weightProductGrad, Tensor varianceGrad,
            float informationGrad, float minLogAlpha, float logAlphaMax)
        {
            Weight = weight;
            LogAlpha = logAlpha;
            WeightProductGrad = weightProductGrad;
            VarianceGrad = varianceGrad;
            InformationGrad = informationGrad;
            MinLogAlpha = minLogAlpha;
            LogAlphaMax = logAlphaMax;
        }

        /// <summary>ŵ, the layer's mean weights (a leaf).</summary>
        public Tensor Weight { get; }

        /// <summary>ρ = log α, one per weight (a leaf).</summary>
        public Tensor LogAlpha { get; }

        /// <summary>gᵀ·x, the share of ∂L/∂ŵ that does not pass through the noise.</summary>
        public Tensor WeightProductGrad { get; }

        /// <summary>G = (g⊙q)ᵀ·x², the gradient of the weight variance V.</summary>
        public Tensor VarianceGrad { get; }

        /// <summary>∂L/∂Ĩ for the layer's information term.</summary>
        public float InformationGrad { get; }

        public float MinLogAlpha { get; }

        public float LogAlphaMax { get; }

        /// <summary>
        /// Finishes both gradients (<c>∂/∂ŵ = gᵀ·x + 2ŵ·(e^α − 1)⊙G</c>, ∂/∂ρ written over G) and stores them as the
        /// parameters' <c>.grad</c>, adding to any gradient another part of the graph left there.
        /// </summary>
        public void Materialize()
        {
            LogNormalWeightNoise.Backward(KernelLoops.Floats(Weight), KernelLoops.Floats(LogAlpha), KernelLoops.Floats(VarianceGrad), InformationGrad,
                KernelLoops.Floats(WeightProductGrad), KernelLoops.Floats(VarianceGrad), MinLogAlpha, LogAlphaMax, addToWeightGrad: true);
            Accumulate(Weight, WeightProductGrad);
            Accumulate(LogAlpha, VarianceGrad);
        }

        public void Dispose()
        {
            WeightProductGrad.Dispose();
            VarianceGrad.Dispose();
        }

        private static void Accumulate(Tensor parameter, Tensor gradient)
        {
            using var noGrad = no_grad();
            using var existing = parameter.grad;
            if (existing is null)
            {
                parameter.grad = gradient;
            }
            else
            {
                existing.add_(gradient);
            }
        }
    }
}
