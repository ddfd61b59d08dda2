using System.Collections.Generic;
using Ibex.Dsl;

namespace Ibex.Runtime.Compression
{
    /// <summary>What pruning kept of one stochastic weight layer.</summary>
    /// <param name="Layer">The declared layer name.</param>
    /// <param name="Noise">Its noise family.</param>
    /// <param name="Threshold">The ρ = log α at or above which its weights were pruned.</param>
    /// <param name="ThresholdAboveCap">Whether the threshold lies above the layer's largest ρ, so that nothing could be pruned (raise α_max, or lower the threshold).</param>
    /// <param name="Weights">Its weights.</param>
    /// <param name="KeptWeights">The weights kept.</param>
    /// <param name="Units">Its output units or channels.</param>
    /// <param name="KeptUnits">The units or channels that kept at least one weight.</param>
    /// <param name="Nats">Ĩ of the layer before pruning, in nats.</param>
    /// <param name="KeptNats">The part of it the kept weights hold.</param>
    public sealed record LayerPruning(string Layer, NoiseFamily Noise, double Threshold, bool ThresholdAboveCap, long Weights, long KeptWeights, int Units, int KeptUnits, double Nats, double KeptNats)
    {
        /// <summary>Weights before over weights after (∞ when none is kept).</summary>
        public double CompressionRatio => KeptWeights == 0 ? double.PositiveInfinity : (double)Weights / KeptWeights;
    }

    /// <summary>What pruning kept of a network.</summary>
    /// <param name="Layers">Every stochastic weight layer, in order.</param>
    /// <param name="Weights">The weights of the stochastic layers.</param>
    /// <param name="KeptWeights">The weights kept.</param>
    /// <param name="Nats">Ĩ(w;D) before pruning, in nats.</param>
    /// <param name="KeptNats">The part the kept weights hold.</param>
    /// <param name="MultiplyAdds">Multiply-adds per example of the mean network's weight layers before pruning.</param>
    /// <param name="KeptMultiplyAdds">Those of the pruned graph, counting only nonzero weights.</param>
    /// <param name="RemovedUnits">"Layer: n units" for each layer whose units left the graph.</param>
    public sealed record PruningReport(IReadOnlyList<LayerPruning> Layers, long Weights, long KeptWeights, double Nats, double KeptNats, long MultiplyAdds, long KeptMultiplyAdds, IReadOnlyList<string> RemovedUnits)
    {
        /// <summary>Stochastic weights before over after.</summary>
        public double CompressionRatio => KeptWeights == 0 ? double.PositiveInfinity : (double)Weights / KeptWeights;
    }
}
