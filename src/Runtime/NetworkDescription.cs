using System.Collections.Generic;
using System.Linq;

namespace Ibex.Runtime
{
    /// <summary>What the generator knew about a network at build time; the runtime reads this instead of reflecting.</summary>
    /// <param name="Name">The network's class name.</param>
    /// <param name="InputShape">The shape of one example, without the batch dimension.</param>
    /// <param name="Classes">The number of class scores the network produces.</param>
    /// <param name="Information">The declared information-bottleneck settings.</param>
    /// <param name="DeclarationHash">A fingerprint of everything that gives saved weights their meaning.</param>
    /// <param name="Layers">The layers in forward order.</param>
    /// <param name="Likelihood">How the outputs give p(y | x, w): class scores (the default), Gaussian regression or independent labels.</param>
    public sealed record NetworkDescription(
        string Name,
        IReadOnlyList<int> InputShape,
        int Classes,
        InformationSettings Information,
        string DeclarationHash,
        IReadOnlyList<LayerDescription> Layers,
        Dsl.Likelihood Likelihood = Dsl.Likelihood.Categorical)
    {
        /// <summary>
        /// The number of target values per example: the classes' one label for a classifier counts as 1 column of class
        /// indices and is reported as 0 here; a Gaussian network has one target per mean, a heteroscedastic one per
        /// (mean, log-variance) pair, a multi-label one per label.
        /// </summary>
        public int Targets => Likelihood switch
        {
            Dsl.Likelihood.Categorical => 0,
            Dsl.Likelihood.HeteroscedasticGaussian => Classes / 2,
            _ => Classes,
        };

        /// <summary>Whether the targets are real numbers with a Gaussian likelihood (homoscedastic or heteroscedastic).</summary>
        public bool IsRegression => Likelihood is Dsl.Likelihood.Gaussian or Dsl.Likelihood.HeteroscedasticGaussian;

        /// <summary>The number of input features of one example.</summary>
        public long InputFeatures => InputShape.Aggregate(1L, (product, dimension) => product * dimension);

        /// <summary>The number of weights that carry noise and count in Ĩ(w;D).</summary>
        public long StochasticWeightCount => Layers.Where(l => l.IsStochastic).Sum(l => l.WeightCount);
    }

    /// <summary>The information-bottleneck settings of a network.</summary>
    /// <param name="Beta">β of <c>mean CE + (β/N)·Ĩ(w;D)</c>.</param>
    /// <param name="AlphaMax">The cap on every α.</param>
    /// <param name="MinLogAlpha">The lower bound on ρ = log α.</param>
    /// <param name="InitialLogAlpha">The initial ρ of stochastic weights (layers may override it).</param>
    public sealed record InformationSettings(double Beta, double AlphaMax, double MinLogAlpha, double InitialLogAlpha);

    /// <summary>One layer of a network, as declared, with the shapes the generator inferred.</summary>
    /// <param name="Name">The declared property name, the layer's key in saved weights.</param>
    /// <param name="Kind">The layer attribute's name: Dense, Conv2d, ReLU, MaxPool2d, …</param>
    /// <param name="InputShape">The shape of one example entering the layer.</param>
    /// <param name="OutputShape">The shape of one example leaving it.</param>
    /// <param name="IsStochastic">Whether it is noisy: its weights count in Ĩ(w;D), or its activations carry Information Dropout.</param>
    /// <param name="WeightCount">The number of weights of a Dense or Conv2d layer (0 for the others).</param>
    /// <param name="Noise">What is noisy: "log-normal weights", "Gaussian weights", "information dropout", or empty.</param>
    /// <param name="WorkspaceFeatures">Values per example a forward pass without gradients may hold for the layer beyond its
    /// input and output (a convolution's unfolded input), as the layer's rule in the generator estimates them; 0 for most kinds.</param>
    public sealed record LayerDescription(string Name, string Kind, IReadOnlyList<int> InputShape, IReadOnlyList<int> OutputShape, bool IsStochastic, long WeightCount, string Noise,
        long WorkspaceFeatures = 0)
    {
        /// <summary>The number of values in one example entering the layer.</summary>
        public long InFeatures => InputShape.Aggregate(1L, (product, d) => product * d);

        /// <summary>The number of values in one example leaving the layer.</summary>
        public long OutFeatures => OutputShape.Aggregate(1L, (product, d) => product * d);
    }
}
