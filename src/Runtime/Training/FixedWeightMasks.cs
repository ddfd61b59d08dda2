using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace Ibex.Runtime.Training
{
    /// <summary>
    /// Weights held at 0 during training (<see cref="TrainingSettings.WeightMasks"/>: 1 kept, 0 pruned, by layer name), for
    /// fine-tuning a pruned network: each masked weight is multiplied by its mask after every optimizer step.
    /// </summary>
    internal sealed class FixedWeightMasks
    {
        private readonly (torch.Tensor Weight, torch.Tensor Mask)[] maskedWeights;

        /// <summary>Checks every mask against its layer's weight; throws <see cref="ArgumentException"/> for an unknown layer or another shape.</summary>
        public FixedWeightMasks(InformationNetwork network, IReadOnlyDictionary<string, torch.Tensor> masks)
        {
            var weights = network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            maskedWeights = masks.Select(pair =>
            {
                if (!weights.TryGetValue(pair.Key + ".weight", out var weight))
                {
                    throw new ArgumentException($"WeightMasks names layer '{pair.Key}', which {network.Description.Name} does not have as a weight layer.", "settings");
                }

                if (!pair.Value.shape.SequenceEqual(weight.shape))
                {
                    throw new ArgumentException($"The mask of layer '{pair.Key}' is shaped [{string.Join(", ", pair.Value.shape)}], its weight [{string.Join(", ", weight.shape)}].", "settings");
                }

                return ((torch.Tensor)weight, pair.Value.to(weight.dtype).to(weight.device).DetachFromDisposeScope());
            }).ToArray();
        }

        /// <summary>Multiplies each masked layer's weight by its mask, so that pruned weights stay 0.</summary>
        public void Apply()
        {
            using var noGrad = torch.no_grad();
            foreach (var (weight, mask) in maskedWeights)
            {
                weight.mul_(mask);
            }
        }
    }
}
