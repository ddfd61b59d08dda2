using System.Collections.Generic;
using System.Linq;
using Ibex.Generators.Model;

namespace Ibex.Generators.Emitting
{
    /// <summary>
    /// Where a generated pass frees each tensor it made: after the last layer that reads it, as PyTorch's reference counting
    /// would, instead of when the caller's dispose scope ends. A tensor is read by the layers it enters (through any that
    /// pass it on unchanged), by the residual connections that add it as a kept output, and in training by the Information
    /// Dropout layer that reads its source layer's input. The caller's input and the pass's result are never freed.
    /// </summary>
    internal sealed class IntermediateReleases
    {
        private readonly HashSet<int> declaresInput = new HashSet<int>();
        private readonly Dictionary<int, List<string>> releasedAfter = new Dictionary<int, List<string>>();

        /// <param name="network">The network.</param>
        /// <param name="training">The training pass, or the mean network's.</param>
        /// <param name="absorbed">Layers the pass computes inside the layer before them (<see cref="AbsorbedLayers"/>): they pass the tensor on.</param>
        public IntermediateReleases(NetworkSpec network, bool training, ISet<int>? absorbed = null)
        {
            var layers = network.Layers;
            int count = layers.Count;

            // maker[i]: the layer that made the tensor entering layer i (count = the pass's result); -1: the caller's input.
            var maker = new int[count + 1];
            maker[0] = -1;
            for (int i = 0; i < count; i++)
            {
                bool passesThrough = layers[i].Rule.MayPassInputThrough(layers[i], training) || (absorbed?.Contains(i) ?? false);
                maker[i + 1] = passesThrough ? maker[i] : i;
            }

            // The last reader of each tensor and the local that names it there.
            var lastReader = new Dictionary<int, (int Layer, string Local, bool ByInput)>();
            void Read(int tensor, int layer, string local, bool byInput)
            {
                if (tensor >= 0 && (!lastReader.TryGetValue(tensor, out var last) || layer > last.Layer || (layer == last.Layer && last.ByInput && !byInput)))
                {
                    lastReader[tensor] = (layer, local, byInput);
                }
            }

            for (int i = 0; i < count; i++)
            {
                var layer = layers[i];
                Read(maker[i], i, layer.Local("input"), byInput: true);
                if (layer.Rule.ReadsOutputOf(layer) is { } from)
                {
                    int kept = IndexOf(network, from);
                    Read(maker[kept + 1], i, layers[kept].Local("output"), byInput: false);
                }

                if (training && layer.ActivationNoise is { } noise)
                {
                    int source = IndexOf(network, noise.SourceLayer);
                    Read(maker[source], i, layers[source].Local("input"), byInput: false);
                }
            }

            foreach (var entry in lastReader)
            {
                if (entry.Key == maker[count])
                {
                    continue;
                }

                var (at, local, byInput) = entry.Value;
                if (byInput)
                {
                    declaresInput.Add(at);
                }

                if (!releasedAfter.TryGetValue(at, out var names))
                {
                    releasedAfter[at] = names = new List<string>();
                }

                names.Add(local);
            }
        }

        /// <summary>Whether layer <paramref name="index"/> names its input (<c>var {layer}_input = x;</c>) to free it afterwards.</summary>
        public bool DeclaresInput(int index) => declaresInput.Contains(index);

        /// <summary>The locals freed once layer <paramref name="index"/> is done, in a fixed order.</summary>
        public IReadOnlyList<string> ReleasedAfter(int index)
            => releasedAfter.TryGetValue(index, out var names) ? names.OrderBy(n => n, System.StringComparer.Ordinal).ToList() : new List<string>();

        private static int IndexOf(NetworkSpec network, string name)
        {
            for (int i = 0; i < network.Layers.Count; i++)
            {
                if (network.Layers[i].Name == name)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
