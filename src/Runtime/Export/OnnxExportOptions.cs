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

        /// <summary>
        /// Exports the stochastic network instead of the mean network: every stochastic Dense or Conv2d layer samples its
        /// output by the local reparameterization, mean + √(x²·ŵ²·v(α) + 10⁻⁸)·ξ with ξ from <c>RandomNormalLike</c>, so that each
        /// run of the model is one Monte-Carlo draw (average S runs' softmax for the predictive, as <c>Predictor</c> does).
        /// Information Dropout and BatchNorm stay as in the mean network, as in <c>Predictor</c>'s Monte-Carlo predictions.
        /// Default false.
        /// </summary>
        public bool Stochastic { get; init; }

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
