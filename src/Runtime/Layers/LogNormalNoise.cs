using TorchSharp;

namespace Ibex.Runtime.Layers
{
    /// <summary>
    /// The multiplicative weight noise of Achille &amp; Soatto (JMLR 2018, §4.2): <c>ε ~ logN(−α/2, α)</c>, so that
    /// <c>E[ε] = 1</c> and <c>Var[ε] = e^α − 1</c>. Training samples it implicitly through the local reparameterization
    /// trick; this class draws it explicitly, one value per weight.
    /// </summary>
    public static class LogNormalNoise
    {
        /// <summary>Draws ε = exp(−α/2 + √α·ξ), ξ ~ N(0, 1), for every α = e^ρ in <paramref name="logAlpha"/>.</summary>
        public static torch.Tensor Sample(torch.Tensor logAlpha)
        {
            using var scope = torch.NewDisposeScope();
            var alpha = logAlpha.exp();
            var logEpsilon = alpha.sqrt().mul(torch.randn_like(alpha)).sub_(alpha.mul(0.5));
            return logEpsilon.exp_().MoveToOuterDisposeScope();
        }

        /// <summary>Draws one noisy weight matrix <c>w = ŵ·ε</c> of <paramref name="layer"/>, with ρ clamped to [min, max].</summary>
        public static torch.Tensor SampleWeights(StochasticDenseLayer layer, double minLogAlpha, double maxLogAlpha)
        {
            using var scope = torch.NewDisposeScope();
            var epsilon = Sample(layer.LogAlpha.detach().clamp(minLogAlpha, maxLogAlpha));
            return layer.Weight.detach().mul(epsilon).MoveToOuterDisposeScope();
        }
    }
}
