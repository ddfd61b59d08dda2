using System;
using System.Collections.Generic;
using TorchSharp;

namespace Ibex.Runtime.Reports
{
    /// <summary>What one stochastic layer's weights hold, in nats and bits, and where its α sit.</summary>
    /// <param name="Layer">The declared layer name.</param>
    /// <param name="Weights">Its number of stochastic weights.</param>
    /// <param name="InformationNats">½·Σ_i log(α_max/α_i) over its weights, in nats.</param>
    /// <param name="InformationBits">The same in bits (nats / ln 2).</param>
    /// <param name="MeanLogAlpha">The mean of its clamped ρ = log α.</param>
    /// <param name="FractionAtCap">The fraction of its weights whose α is at α_max (they carry no information).</param>
    public sealed record LayerInformation(string Layer, long Weights, double InformationNats, double InformationBits, double MeanLogAlpha, double FractionAtCap)
    {
        /// <summary>Measures every stochastic layer of <paramref name="network"/>.</summary>
        public static IReadOnlyList<LayerInformation> Measure(InformationNetwork network)
        {
            var settings = network.Description.Information;
            double logAlphaMax = Math.Log(settings.AlphaMax);
            var layers = new List<LayerInformation>();
            using var noGrad = torch.no_grad();
            foreach (var (name, logAlpha) in network.StochasticLayers())
            {
                using var scope = torch.NewDisposeScope();
                var rho = logAlpha.clamp(settings.MinLogAlpha, logAlphaMax).to(torch.float64);
                long count = rho.numel();
                double sum = rho.sum().item<double>();
                double nats = 0.5 * (logAlphaMax * count - sum);
                // A weight counts as capped within 10⁻³ of log α_max (Adam rarely lands exactly on the bound).
                double atCap = rho.ge(logAlphaMax - 1e-3).sum().item<long>() / (double)count;
                layers.Add(new LayerInformation(name, count, nats, nats / Math.Log(2), sum / count, atCap));
            }

            return layers;
        }
    }
}
