using System;
using System.Collections.Generic;
using System.Linq;

namespace Ibex.Runtime.Export
{
    /// <summary>
    /// A network's mean network (every ε = 1, BatchNorm with its running statistics, no dropout) as a list of standard
    /// operations over copied weights, in forward order: what the ONNX exporter writes and what structural pruning edits.
    /// The generated <c>WriteMeanGraph</c> of each network builds it (through <see cref="CompilerServices.MeanGraphBuilder"/>).
    /// </summary>
    public sealed class MeanGraph
    {
        internal MeanGraph(NetworkDescription description, GraphValue input, IReadOnlyList<GraphOperation> operations, GraphValue output)
        {
            Description = description;
            Input = input;
            Operations = operations;
            Output = output;
        }

        /// <summary>The network the graph was taken from.</summary>
        public NetworkDescription Description { get; }

        internal GraphValue Input { get; }

        internal IReadOnlyList<GraphOperation> Operations { get; }

        internal GraphValue Output { get; }

        /// <summary>Multiply-adds of one example's forward pass through the weight layers (Dense, Conv2d, projections).</summary>
        public long MultiplyAdds => Operations.Sum(o => o.MultiplyAdds);

        /// <summary>Multiply-adds per example by nonzero weights only: what a sparse kernel would do.</summary>
        public long NonzeroMultiplyAdds => Operations.Sum(o => o.NonzeroMultiplyAdds);

        /// <summary>The number of weights the graph multiplies by (biases and normalization parameters excluded).</summary>
        public long WeightCount => Operations.Sum(o => o.WeightCount);

        /// <summary>The weights among them that are not zero.</summary>
        public long NonzeroWeightCount => Operations.Sum(o => o.NonzeroWeightCount);

        internal MeanGraph With(IReadOnlyList<GraphOperation> operations, bool unitsRemoved = false)
            => new(Description, Input, operations, Output) { UnitsRemoved = UnitsRemoved || unitsRemoved };

        /// <summary>Whether pruning removed units: their constant outputs were folded into biases, which the stochastic export cannot represent.</summary>
        public bool UnitsRemoved { get; private init; }

        /// <summary>The graph with ŵ²·v(α) recorded on every stochastic weight layer, for the stochastic export.</summary>
        internal MeanGraph WithNoiseVariances(IReadOnlyList<NoisyWeights> layers)
        {
            var noise = layers.ToDictionary(l => l.Layer);
            return With(Operations.Select(operation => operation is WeightOperation weights && noise.TryGetValue(weights.Layer, out var n)
                ? weights.WithNoiseOf(n)
                : operation).ToArray());
        }
    }
}
