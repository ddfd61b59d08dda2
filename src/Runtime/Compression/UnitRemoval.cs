using System;
using System.Collections.Generic;
using System.Linq;
using Ibex.Runtime.Export;

namespace Ibex.Runtime.Compression
{
    /// <summary>
    /// Removes units and channels without weights from a mean graph. Such a unit outputs a constant: its bias b, carried
    /// through the element-wise and per-channel layers after it (activation f, BatchNorm, pooling) to c = g(b). The next
    /// weight layer then adds W[:, u]·c for every input position of the unit, which is exactly a change of its bias when the
    /// unit's values all reach it with the same weights' sum: a Dense layer (after GlobalAvgPool or Flatten, a unit is one or
    /// H·W columns), or a Conv2d layer without padding and groups (every output position sees the whole kernel).
    /// Anything else (an Add, a LayerNorm that mixes units, padding, groups, the network's output) leaves the unit in place.
    /// </summary>
    internal static class UnitRemoval
    {
        public static void Apply(List<GraphOperation> operations, GraphValue output, List<string> removed)
        {
            for (int i = 0; i < operations.Count; i++)
            {
                var (weight, bias) = operations[i] switch
                {
                    LinearOperation linear => (linear.Weight, linear.Bias),
                    ConvolutionOperation { Groups: 1 } conv => (conv.Weight, conv.Bias),
                    _ => (null, null),
                };
                if (weight is null)
                {
                    continue;
                }

                var dead = DeadUnits(weight);
                if (dead.Count == 0 || dead.Count == weight.Shape[0] || Chain(operations, i, output) is not { } chain)
                {
                    continue;
                }

                Remove(operations, i, chain, dead, bias);
                removed.Add($"{operations[i].Layer}: {dead.Count} of {weight.Shape[0]} {(weight.Shape.Length == 4 ? "channels" : "units")}");
            }
        }

        /// <summary>Units (rows) whose weights are all 0.</summary>
        private static List<int> DeadUnits(WeightArray weight)
        {
            int units = weight.Shape[0];
            int perUnit = weight.Values.Length / units;
            return Enumerable.Range(0, units).Where(u => weight.Values.AsSpan(u * perUnit, perUnit).IndexOfAnyExcept(0f) < 0).ToList();
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

                var consumers = Enumerable.Range(0, operations.Count)
                    .Where(i => operations[i].Input.Id == value.Id || (operations[i] is AddOperation add && add.Shortcut.Id == value.Id))
                    .ToList();
                if (consumers.Count != 1)
                {
                    return null;
                }

                int next = consumers[0];
                if (flattened && operations[next] is not LinearOperation)
                {
                    return null; // after a Flatten a unit is H·W features: only a Dense layer is followed that far
                }

                switch (operations[next])
                {
                    case ActivationOperation or BatchNormOperation or PoolOperation or GlobalAveragePoolOperation or FlattenOperation:
                        chain.Add(next);
                        flattened |= operations[next] is FlattenOperation;
                        value = operations[next].Output;
                        break;
                    case LinearOperation:
                    case ConvolutionOperation { Padding: 0, Groups: 1 }:
                        chain.Add(next);
                        return chain;
                    default:
                        return null;
                }
            }
        }

        private static void Remove(List<GraphOperation> operations, int source, List<int> chain, List<int> dead, WeightArray? bias)
        {
            int units = Weight(operations[source]).Shape[0];
            var keep = Enumerable.Range(0, units).Except(dead).ToArray();

            // The constant each dead unit outputs, carried through the chain to the consumer.
            var constants = dead.ToDictionary(u => u, u => bias is null ? 0.0 : bias.Values[u]);
            int positions = 1;
            var values = new Dictionary<int, GraphValue>();
            foreach (int index in chain.Take(chain.Count - 1))
            {
                var operation = operations[index];
                foreach (int u in dead)
                {
                    constants[u] = operation switch
                    {
                        ActivationOperation activation => activation.Apply(constants[u]),
                        BatchNormOperation norm => (constants[u] - norm.Mean.Values[u]) / Math.Sqrt(norm.Variance.Values[u] + norm.Epsilon) * norm.Scale.Values[u] + norm.Shift.Values[u],
                        _ => constants[u], // pooling, flattening: a constant map stays constant
                    };
                }

                if (operation is FlattenOperation)
                {
                    positions = operation.Input.Shape[1] * operation.Input.Shape[2];
                }

                operations[index] = operation switch
                {
                    BatchNormOperation norm => norm with
                    {
                        Scale = Rows(norm.Scale, keep), Shift = Rows(norm.Shift, keep), Mean = Rows(norm.Mean, keep), Variance = Rows(norm.Variance, keep),
                        Input = Narrowed(norm.Input, keep.Length, positions), Output = Narrowed(norm.Output, keep.Length, positions),
                    },
                    _ => operation with { Input = Narrowed(operation.Input, keep.Length, 1), Output = Narrowed(operation.Output, keep.Length, operation is FlattenOperation ? positions : 1) },
                };
            }

            // The consumer: its inputs for the dead units go, their constant contribution joins its bias.
            var consumer = operations[chain[^1]];
            switch (consumer)
            {
                case LinearOperation linear:
                    {
                        int outputs = linear.Weight.Shape[0], inputs = linear.Weight.Shape[1];
                        var newBias = linear.Bias?.Copy() ?? new WeightArray(new float[outputs], new[] { outputs });
                        var keptColumns = keep.SelectMany(u => Enumerable.Range(u * positions, positions)).ToArray();
                        for (int o = 0; o < outputs; o++)
                        {
                            double sum = newBias.Values[o];
                            foreach (int u in dead)
                            {
                                for (int p = 0; p < positions; p++)
                                {
                                    sum += linear.Weight.Values[(o * inputs) + (u * positions) + p] * constants[u];
                                }
                            }

                            newBias.Values[o] = (float)sum;
                        }

                        var weight = new float[outputs * keptColumns.Length];
                        for (int o = 0; o < outputs; o++)
                        {
                            for (int c = 0; c < keptColumns.Length; c++)
                            {
                                weight[(o * keptColumns.Length) + c] = linear.Weight.Values[(o * inputs) + keptColumns[c]];
                            }
                        }

                        operations[chain[^1]] = linear with
                        {
                            Weight = new WeightArray(weight, new[] { outputs, keptColumns.Length }),
                            Bias = newBias,
                            Input = Narrowed(linear.Input, keptColumns.Length, 1),
                        };
                        break;
                    }

                case ConvolutionOperation conv:
                    {
                        int outputs = conv.Weight.Shape[0], inputs = conv.Weight.Shape[1], taps = conv.Weight.Shape[2] * conv.Weight.Shape[3];
                        var newBias = conv.Bias?.Copy() ?? new WeightArray(new float[outputs], new[] { outputs });
                        var weight = new float[outputs * keep.Length * taps];
                        for (int o = 0; o < outputs; o++)
                        {
                            double sum = newBias.Values[o];
                            foreach (int u in dead)
                            {
                                for (int t = 0; t < taps; t++)
                                {
                                    sum += conv.Weight.Values[(((o * inputs) + u) * taps) + t] * constants[u];
                                }
                            }

                            newBias.Values[o] = (float)sum;
                            for (int c = 0; c < keep.Length; c++)
                            {
                                Array.Copy(conv.Weight.Values, ((o * inputs) + keep[c]) * taps, weight, ((o * keep.Length) + c) * taps, taps);
                            }
                        }

                        operations[chain[^1]] = conv with
                        {
                            Weight = new WeightArray(weight, new[] { outputs, keep.Length, conv.Weight.Shape[2], conv.Weight.Shape[3] }),
                            Bias = newBias,
                            Input = Narrowed(conv.Input, keep.Length, 1),
                        };
                        break;
                    }
            }

            // The source loses the dead rows.
            operations[source] = operations[source] switch
            {
                LinearOperation linear => linear with { Weight = Rows(linear.Weight, keep), Bias = linear.Bias is null ? null : Rows(linear.Bias, keep), Output = Narrowed(linear.Output, keep.Length, 1) },
                ConvolutionOperation conv => conv with { Weight = Rows(conv.Weight, keep), Bias = conv.Bias is null ? null : Rows(conv.Bias, keep), Output = Narrowed(conv.Output, keep.Length, 1) },
                var other => other,
            };
        }

        private static WeightArray Weight(GraphOperation operation) => operation switch
        {
            LinearOperation linear => linear.Weight,
            ConvolutionOperation conv => conv.Weight,
            _ => throw new ArgumentException("not a weight layer", nameof(operation)),
        };

        /// <summary>The rows (first-dimension slices) <paramref name="keep"/> of an array.</summary>
        private static WeightArray Rows(WeightArray array, int[] keep)
        {
            int perRow = array.Values.Length / array.Shape[0];
            var values = new float[keep.Length * perRow];
            for (int r = 0; r < keep.Length; r++)
            {
                Array.Copy(array.Values, keep[r] * perRow, values, r * perRow, perRow);
            }

            var shape = (int[])array.Shape.Clone();
            shape[0] = keep.Length;
            return new WeightArray(values, shape);
        }

        /// <summary>A value with <paramref name="units"/> channels (images) or units·positions features (flat, after a Flatten).</summary>
        private static GraphValue Narrowed(GraphValue value, int units, int positions)
        {
            var shape = (int[])value.Shape.Clone();
            shape[0] = units * positions;
            return value with { Shape = shape };
        }
    }
}
