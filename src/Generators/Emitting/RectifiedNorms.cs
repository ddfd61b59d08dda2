using System.Collections.Generic;
using Ibex.Generators.Layers;
using Ibex.Generators.Model;

namespace Ibex.Generators.Emitting
{
    /// <summary>
    /// The training pass's ReLU layers that run inside the image BatchNorm before them
    /// (<c>Ibex.Runtime.CompilerServices.BatchNormalization.TrainRectified</c>): a plain ReLU right after a BatchNorm over
    /// channels whose output nothing else reads (no residual connection adds it; Information Dropout's α(x) reads only the
    /// inputs of Dense and Conv2d layers).
    /// </summary>
    internal static class RectifiedNorms
    {
        /// <summary>The indices of the ReLU layers applied by the BatchNorm before them.</summary>
        public static HashSet<int> FusedActivations(NetworkSpec network)
        {
            var fused = new HashSet<int>();
            for (int index = 1; index < network.Layers.Count; index++)
            {
                var norm = network.Layers[index - 1];
                var activation = network.Layers[index];
                if (norm.Rule is BatchNormRule && norm.InputShape.Count == 3 && !norm.KeepsOutput
                    && activation.Rule is ReLURule && activation.ActivationNoise is null)
                {
                    fused.Add(index);
                }
            }

            return fused;
        }
    }
}
