using System;
using System.Collections.Generic;
using Ibex.Dsl;
using TorchSharp;

namespace Ibex.Runtime.Reports
{
    /// <summary>
    /// How one stochastic layer's ρ = log α are spread: equal-width bins over its clamp range [<see cref="Low"/>,
    /// <see cref="High"/>], so that histograms of the same layer compare across epochs and runs. Counted per weight (an α
    /// shared by a unit's fan-in counts once per weight), as pruning cuts weights.
    /// </summary>
    /// <param name="Layer">The declared layer name.</param>
    /// <param name="Noise">The layer's noise family.</param>
    /// <param name="Low">The lower clamp bound of ρ, the first bin's left edge.</param>
    /// <param name="High">The upper clamp bound of ρ (log α_max for log-normal noise), the last bin's right edge.</param>
    /// <param name="Counts">Weights per bin; a ρ at <paramref name="High"/> counts in the last bin.</param>
    /// <param name="Sum">Σ ρ over the weights.</param>
    /// <param name="SumOfSquares">Σ ρ² over the weights.</param>
    /// <param name="Min">The smallest clamped ρ.</param>
    /// <param name="Max">The largest clamped ρ.</param>
    public sealed record LogAlphaHistogram(string Layer, NoiseFamily Noise, double Low, double High, IReadOnlyList<long> Counts, double Sum, double SumOfSquares, double Min, double Max)
    {
        /// <summary>The number of bins <see cref="Measure"/> uses unless told otherwise.</summary>
        public const int DefaultBins = 60;

        /// <summary>The weights counted.</summary>
        public long Weights
        {
            get
            {
                long total = 0;
                foreach (long count in Counts)
                {
                    total += count;
                }

                return total;
            }
        }

        /// <summary>The right edge of bin <paramref name="bin"/>.</summary>
        public double UpperEdge(int bin) => Low + (High - Low) * (bin + 1) / Counts.Count;

        /// <summary>The log α above which the run prunes this layer's weights (the default for its noise family when it did not prune), NaN when unknown.</summary>
        public double PruningThreshold { get; init; } = double.NaN;

        /// <summary>Every stochastic layer of <paramref name="network"/>, with <paramref name="bins"/> bins each.</summary>
        public static IReadOnlyList<LogAlphaHistogram> Measure(InformationNetwork network, int bins = DefaultBins)
        {
            if (bins < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(bins), bins, "A histogram needs at least one bin.");
            }

            var histograms = new List<LogAlphaHistogram>();
            using var noGrad = torch.no_grad();
            foreach (var noisy in network.StochasticLayers())
            {
                histograms.Add(Of(noisy, bins));
            }

            return histograms;
        }

        private static LogAlphaHistogram Of(NoisyWeights noisy, int bins)
        {
            var counts = new long[bins];
            double low = noisy.MinLogAlpha, high = noisy.MaxLogAlpha, width = (high - low) / bins;
            double sum = 0, squares = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
            foreach (double rho in noisy.ClampedLogAlphaByWeight())
            {
                int bin = Math.Clamp((int)Math.Floor((rho - low) / width), 0, bins - 1);
                counts[bin]++;
                sum += rho;
                squares += rho * rho;
                min = Math.Min(min, rho);
                max = Math.Max(max, rho);
            }

            return new LogAlphaHistogram(noisy.Layer, noisy.Noise, low, high, counts, sum, squares, min, max);
        }
    }
}
