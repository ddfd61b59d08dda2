using System;
using System.Collections.Generic;
using System.Linq;
using Ibex.Dsl;
using Ibex.Runtime.Export;
using TorchSharp;

namespace Ibex.Runtime.Compression
{
    /// <summary>
    /// Prunes what carries no information: every stochastic weight whose ρ = log α reaches the threshold
    /// (<see cref="PruningThresholds"/>) is set to 0 in the mean network. With <see cref="PruningOptions.RemoveUnits"/>, a unit
    /// or channel left without weights leaves the graph (see <see cref="Prune(InformationNetwork, PruningOptions)"/>).
    /// </summary>
    public static class NetworkPruner
    {
        /// <summary>Prunes a copy of <paramref name="network"/>'s mean network with the default thresholds; the network is not changed.</summary>
        public static PrunedNetwork Prune(InformationNetwork network) => Prune(network, new PruningOptions());

        /// <summary>
        /// Prunes a copy of <paramref name="network"/>'s mean network; the network is not changed. A unit whose weights are all
        /// pruned outputs a constant (its bias, through the layers after it); with <see cref="PruningOptions.RemoveUnits"/> it
        /// leaves the graph when that constant can be folded exactly into the bias of the next Dense or unpadded, ungrouped
        /// Conv2d layer, through activations, BatchNorm, pooling, GlobalAvgPool and Flatten only. Its row, its BatchNorm
        /// entries and the next layer's inputs for it go; the graph's layers are smaller, not only sparser.
        /// </summary>
        public static PrunedNetwork Prune(InformationNetwork network, PruningOptions options)
        {
            ArgumentNullException.ThrowIfNull(network);
            ArgumentNullException.ThrowIfNull(options);
            var graph = network.ToMeanGraph();
            var noisy = network.StochasticLayers().ToDictionary(l => l.Layer);
            var operations = graph.Operations.ToList();
            var layers = new List<LayerPruning>();
            for (int i = 0; i < operations.Count; i++)
            {
                if (operations[i] is not WeightOperation weights || !noisy.TryGetValue(weights.Layer, out var noise))
                {
                    continue;
                }

                var (masked, pruning) = Mask(weights.Weight, noise, options.LogAlphaThreshold ?? PruningThresholds.For(noise.Noise));
                operations[i] = weights.WithMaskedWeight(masked);
                layers.Add(pruning);
            }

            var removed = new List<string>();
            if (options.RemoveUnits)
            {
                UnitRemoval.Apply(operations, graph.Output, removed);
            }

            var pruned = graph.With(operations, unitsRemoved: removed.Count > 0);
            var report = new PruningReport(layers, layers.Sum(l => l.Weights), layers.Sum(l => l.KeptWeights), layers.Sum(l => l.Nats), layers.Sum(l => l.KeptNats),
                graph.MultiplyAdds, pruned.NonzeroMultiplyAdds, removed);
            return new PrunedNetwork(pruned, report);
        }

        /// <summary>
        /// Sets the pruned mean weights of <paramref name="network"/> itself to 0, and returns the masks (1 kept, 0 pruned) by
        /// layer name: for evaluating the pruned network, or fine-tuning it with the mask fixed (multiply each weight by its
        /// mask after every optimizer step).
        /// </summary>
        public static IReadOnlyDictionary<string, torch.Tensor> ApplyMask(InformationNetwork network, PruningOptions options)
        {
            ArgumentNullException.ThrowIfNull(network);
            ArgumentNullException.ThrowIfNull(options);
            var weights = network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            var masks = new Dictionary<string, torch.Tensor>();
            using var noGrad = torch.no_grad();
            foreach (var noise in network.StochasticLayers())
            {
                double threshold = options.LogAlphaThreshold ?? PruningThresholds.For(noise.Noise);
                var weight = weights[noise.Layer + ".weight"];
                var mask = noise.LogAlpha.clamp(noise.MinLogAlpha, noise.MaxLogAlpha).lt(threshold).to_type(weight.dtype).expand_as(weight).contiguous();
                weight.mul_(mask);
                masks[noise.Layer] = mask.DetachFromDisposeScope();
            }

            return masks;
        }

        /// <summary>The weights with the pruned ones at 0, and what was kept: weights, units, and the nats they hold.</summary>
        private static (WeightArray Masked, LayerPruning Pruning) Mask(WeightArray weight, NoisyWeights noise, double threshold)
        {
            var rho = noise.ClampedLogAlphaByWeight();
            var masked = weight.Copy();
            int units = weight.Shape[0];
            long perUnit = weight.Values.LongLength / units;
            long kept = 0;
            double nats = 0, keptNats = 0;
            var unitAlive = new bool[units];
            for (long i = 0; i < masked.Values.LongLength; i++)
            {
                double r = rho[i];
                double weightNats = WeightNats(r, noise);
                nats += weightNats;
                if (r >= threshold)
                {
                    masked.Values[i] = 0;
                }
                else
                {
                    kept++;
                    keptNats += weightNats;
                    unitAlive[i / perUnit] = true;
                }
            }

            var pruning = new LayerPruning(noise.Layer, noise.Noise, threshold, threshold > noise.MaxLogAlpha, weight.Values.LongLength, kept,
                units, unitAlive.Count(a => a), nats, keptNats);
            return (masked, pruning);
        }

        /// <summary>
        /// One weight's KL in nats at clamped ρ: ½·(log α_max − ρ) for log-normal noise (paper.md §4.2, normalized to 0 at the
        /// cap); Molchanov et al.'s approximation k₁ − k₁·σ(k₂ + k₃·ρ) + ½·log(1 + e^−ρ) for Gaussian noise.
        /// </summary>
        private static double WeightNats(double rho, NoisyWeights noise)
        {
            if (noise.Noise == NoiseFamily.LogNormal)
            {
                return 0.5 * (noise.MaxLogAlpha - rho);
            }

            const double k1 = Kernels.InformationTerms.SparseVdK1, k2 = Kernels.InformationTerms.SparseVdK2, k3 = Kernels.InformationTerms.SparseVdK3;
            return k1 - k1 / (1 + Math.Exp(-(k2 + k3 * rho))) + 0.5 * Math.Log(1 + Math.Exp(-rho));
        }
    }
}
