using System.Collections.Generic;

namespace Ibex.Runtime.Export
{
    /// <summary>How <see cref="OnnxExport"/> writes a network.</summary>
    public sealed record OnnxExportOptions
    {
        /// <summary>Dense (the default) or sparse initializers for the weights of Dense, Conv2d and projection layers.</summary>
        public OnnxInitializers Initializers { get; init; } = OnnxInitializers.Dense;

        /// <summary>N, the training-set size the network was trained on, recorded with β as <c>ibex.training_set_size</c>; not recorded when null.</summary>
        public long? TrainingSetSize { get; init; }

        /// <summary>The graph's input name. Default "input".</summary>
        public string InputName { get; init; } = "input";

        /// <summary>The graph's output name. Default "scores".</summary>
        public string OutputName { get; init; } = "scores";

        /// <summary>More entries for the model's metadata, beside the ones Ibex writes (<c>ibex.*</c>).</summary>
        public IReadOnlyDictionary<string, string>? Metadata { get; init; }
    }

    /// <summary>How weight tensors are stored in an exported model.</summary>
    public enum OnnxInitializers
    {
        /// <summary>Every value, zeros included (<c>graph.initializer</c>).</summary>
        Dense,

        /// <summary>
        /// The nonzero values of weight matrices and filters with their positions (linear int64 indices), each in a
        /// <c>Constant</c> node's <c>sparse_value</c>, so that a pruned network's file shrinks with it; biases and
        /// normalization parameters stay dense.
        /// </summary>
        Sparse,
    }
}
