using System.Collections.Generic;
using System.Linq;
using Ibex.Runtime.Export;

namespace Ibex.Runtime.Compression
{
    /// <summary>
    /// Removes units and channels without weights from a mean graph. Such a unit outputs a constant: its bias b, carried
    /// through the element-wise and per-channel operations after it (activation f, BatchNorm, pooling) to c = g(b). The next
    /// weight layer then adds W[:, u]·c for every input position of the unit, which is exactly a change of its bias when the
    /// unit's values all reach it with the same weights' sum: a Dense layer (after GlobalAvgPool or Flatten, a unit is one or
    /// H·W columns), or a Conv2d layer without padding and groups (every output position sees the whole kernel).
    /// Anything else (an Add, a LayerNorm that mixes units, padding, groups, the network's output) leaves the unit in place.
    /// Each operation says which of these it is (<see cref="GraphOperation.CarriesUnits"/>,
    /// <see cref="GraphOperation.TakesConstantUnits"/>); this walk never tests an operation's kind.
    /// </summary>
    internal static class UnitRemoval
    {
        public static void Apply(List<GraphOperation> operations, GraphValue output, List<string> removed)
        {
            for (int i = 0; i < operations.Count; i++)
            {
                if (operations[i] is not WeightOperation { RemovesUnits: true } source)
                {
                    continue;
                }

                var dead = source.UnitsWithoutWeights();
                if (dead.Length == 0 || dead.Length == source.Weight.Shape[0] || Chain(operations, i, output) is not { } chain)
                {
                    continue;
                }

                Remove(operations, source, i, chain, dead);
                removed.Add($"{source.Layer}: {dead.Length} of {source.Weight.Shape[0]} {(source.Weight.Shape.Length == 4 ? "channels" : "units")}");
            }
        }

        /// <summary>The per-unit operations after operation <paramref name="start"/> and the weight layer they end at, or null when the unit cannot be removed exactly.</summary>
        private static List<int>? Chain(List<GraphOperation> operations, int start, GraphValue output)
        {
            var chain = new List<int>();
            var value = operations[start].Output;
            bool flattened = false;
            while (true)
            {
                if (value.Id == output.Id)
                {
                    return null;
                }

                var consumers = Enumerable.Range(0, operations.Count).Where(i => operations[i].Reads.Any(read => read.Id == value.Id)).ToList();
                if (consumers.Count != 1)
                {
                    return null;
                }

                var next = operations[consumers[0]];
                chain.Add(consumers[0]);
                if (next.TakesConstantUnits(flattened))
                {
                    return chain;
                }

                // After a Flatten a unit is H·W features: only a layer that takes them all in is followed that far.
                if (flattened || !next.CarriesUnits)
                {
                    return null;
                }

                flattened = next.PositionsPerUnit(1) > 1;
                value = next.Output;
            }
        }

        private static void Remove(List<GraphOperation> operations, WeightOperation source, int sourceIndex, List<int> chain, int[] dead)
        {
            var keep = Enumerable.Range(0, source.Weight.Shape[0]).Except(dead).ToArray();

            // The constant each dead unit outputs, carried through the chain to the consumer.
            var constants = dead.ToDictionary(u => u, u => source.Bias is null ? 0.0 : source.Bias.Values[u]);
            int positions = 1;
            foreach (int index in chain.Take(chain.Count - 1))
            {
                var operation = operations[index];
                foreach (int u in dead)
                {
                    constants[u] = operation.CarryConstant(u, constants[u]);
                }

                positions = operation.PositionsPerUnit(positions);
                operations[index] = operation.NarrowedTo(keep, positions);
            }

            // The consumer: its inputs for the dead units go, their constant contribution joins its bias.
            operations[chain[^1]] = operations[chain[^1]].WithConstantUnits(dead, keep, constants, positions);

            // The source loses the dead rows.
            operations[sourceIndex] = source.WithUnits(keep);
        }
    }
}
