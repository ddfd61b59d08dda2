using System;
using Ibex.Dsl;
using Ibex.Runtime.Kernels;
using TorchSharp;
using TorchSharp.Modules;

namespace Ibex.Runtime
{
    /// <summary>One stochastic weight layer's noise parameters and how its information is estimated.</summary>
    /// <param name="Layer">The declared layer name.</param>
    /// <param name="LogAlpha">Its ρ = log α parameter (unclamped).</param>
    /// <param name="Noise">The noise family, which decides the KL estimator.</param>
    /// <param name="WeightsPerAlpha">How many weights share each α: 1, or the fan-in when α is per unit.</param>
    /// <param name="MinLogAlpha">The lower bound on ρ.</param>
    /// <param name="MaxLogAlpha">The upper bound on ρ: log α_max for log-normal noise, a numerical bound for Gaussian noise.</param>
    public sealed record NoisyWeights(string Layer, Parameter LogAlpha, NoiseFamily Noise, long WeightsPerAlpha, double MinLogAlpha, double MaxLogAlpha)
    {
        /// <summary>The number of noisy weights.</summary>
        public long Weights => LogAlpha.numel() * WeightsPerAlpha;

        /// <summary>The estimator behind <see cref="Information"/>, as reports name it.</summary>
        public string Estimator => Noise switch
        {
            NoiseFamily.LogNormal => "log-normal noise, log-uniform prior: exact ½·log(α_max/α) (Achille & Soatto 2018, Prop. 4.1)",
            NoiseFamily.Gaussian => "Gaussian noise, log-uniform prior: sparse-VD approximation (Molchanov et al. 2017)",
            _ => throw new ArgumentOutOfRangeException(nameof(Noise), Noise, "Unknown weight noise."),
        };

        /// <summary>
        /// ρ clamped to its bounds, one value per weight in the weight's row-major order: with α per unit, the unit's ρ
        /// repeated over its fan-in.
        /// </summary>
        internal double[] ClampedLogAlphaByWeight()
        {
            using var scope = torch.NewDisposeScope();
            var rho = LogAlpha.detach().to(torch.CPU).to_type(torch.float64).clamp(MinLogAlpha, MaxLogAlpha).contiguous().data<double>().ToArray();
            var byWeight = new double[Weights];
            for (long i = 0; i < byWeight.LongLength; i++)
            {
                byWeight[i] = rho[i / WeightsPerAlpha];
            }

            return byWeight;
        }

        /// <summary>This layer's share of Ĩ(w;D), in nats, from the clamped ρ.</summary>
        public torch.Tensor Information()
        {
            using var scope = torch.NewDisposeScope();
            var clamped = LogAlpha.clamp(MinLogAlpha, MaxLogAlpha);
            var nats = Noise == NoiseFamily.LogNormal
                ? InformationTerms.LogUniformWeightNats(clamped, MaxLogAlpha, WeightsPerAlpha)
                : InformationTerms.SparseVdWeightNats(clamped, WeightsPerAlpha);
            return nats.MoveToOuterDisposeScope();
        }
    }
}
