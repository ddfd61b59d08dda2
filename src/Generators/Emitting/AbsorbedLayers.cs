using System.Collections.Generic;
using Ibex.Generators.Model;

namespace Ibex.Generators.Emitting
{
    /// <summary>
    /// The layers a pass computes inside the layer before them (<see cref="Layers.LayerRule.Absorbs"/>): in the mean network a
    /// BatchNorm folded into the convolution before it (<c>Ibex.Runtime.CompilerServices.BatchNormFolding</c>), in training a
    /// plain ReLU applied by the image BatchNorm before it (<c>BatchNormalization.TrainRectified</c>). The emitter asks each
    /// rule; it never tests a layer's kind.
    /// </summary>
    internal static class AbsorbedLayers
    {
        /// <summary>The indices of the layers whose step the <paramref name="training"/> or mean pass leaves to the layer before them.</summary>
        public static HashSet<int> Of(NetworkSpec network, bool training)
        {
            var absorbed = new HashSet<int>();
            for (int index = 1; index < network.Layers.Count; index++)
            {
                var previous = network.Layers[index - 1];
                if (!absorbed.Contains(index - 1) && previous.Rule.Absorbs(previous, network.Layers[index], training))
                {
                    absorbed.Add(index);
                }
            }

            return absorbed;
        }
    }
}
