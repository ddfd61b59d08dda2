using System;
using System.Collections.Generic;
using TorchSharp;

namespace Ibex.Runtime.Reports
{
    /// <summary>What one stochastic layer's weights hold, in nats and bits, and where its α sit.</summary>
    /// <param name="Layer">The declared layer name.</param>
    /// <param name="Weights">Its number of stochastic weights.</param>
    /// <param name="InformationNats">Its share of Ĩ(w;D) in nats: ½·Σ_i log(α_max/α_i) for log-normal noise.</param>
    /// <param name="InformationBits">The same in bits (nats / ln 2).</param>
    /// <param name="MeanLogAlpha">The mean of its clamped ρ = log α.</param>
    /// <param name="FractionAtCap">The fraction of its α at the upper bound (for log-normal noise, α_max: those weights carry no information).</param>
    /// <param name="Estimator">Which KL estimator produced <paramref name="InformationNats"/>.</param>
    public sealed record LayerInformation(string Layer, long Weights, double InformationNats, double InformationBits, double MeanLogAlpha, double FractionAtCap, string Estimator)
    {
        /// <summary>Measures every stochastic layer of <paramref name="network"/>.</summary>
        public static IReadOnlyList<LayerInformation> Measure(InformationNetwork network)
        {
            var layers = new List<LayerInformation>();
            using var noGrad = torch.no_grad();
            foreach (var noisy in network.StochasticLayers())
            {
                using var scope = torch.NewDisposeScope();
                var rho = noisy.LogAlpha.clamp(noisy.MinLogAlpha, noisy.MaxLogAlpha).to(torch.float64);
                double nats = noisy.Information().to(torch.float64).item<double>();
                // An α counts as capped within 10⁻³ of the bound (Adam rarely lands exactly on it).
                double atCap = rho.ge(noisy.MaxLogAlpha - 1e-3).sum().item<long>() / (double)rho.numel();
                layers.Add(new LayerInformation(noisy.Layer, noisy.Weights, nats, nats / Math.Log(2), rho.mean().item<double>(), atCap, noisy.Estimator));
            }

            return layers;
        }
    }
}
