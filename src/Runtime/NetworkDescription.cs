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
    public sealed record NetworkDescription(
        string Name,
        IReadOnlyList<int> InputShape,
        int Classes,
        InformationSettings Information,
        string DeclarationHash,
        IReadOnlyList<LayerDescription> Layers)
    {
        /// <summary>The number of input features of one example.</summary>
        public long InputFeatures => InputShape.Aggregate(1L, (product, dimension) => product * dimension);

        /// <summary>The number of weights that carry noise, each adding ½·log(α_max/α) nats to Ĩ(w;D).</summary>
        public long StochasticWeightCount => Layers.Where(l => l.IsStochastic).Sum(l => l.WeightCount);
    }

    /// <summary>The information-bottleneck settings of a network.</summary>
    /// <param name="Beta">β of <c>mean CE + (β/N)·Ĩ(w;D)</c>.</param>
    /// <param name="AlphaMax">The cap on every α.</param>
    /// <param name="MinLogAlpha">The lower bound on ρ = log α.</param>
    /// <param name="InitialLogAlpha">The initial ρ of stochastic weights (layers may override it).</param>
    public sealed record InformationSettings(double Beta, double AlphaMax, double MinLogAlpha, double InitialLogAlpha);

    /// <summary>One layer of a network, as declared.</summary>
    /// <param name="Name">The declared property name, the layer's key in saved weights.</param>
    /// <param name="Kind">Dense, ReLU, Softplus, Tanh or ELU.</param>
    /// <param name="InFeatures">The width of the layer's input.</param>
    /// <param name="OutFeatures">The width of the layer's output.</param>
    /// <param name="IsStochastic">Whether its weights carry noise and count in Ĩ(w;D).</param>
    /// <param name="WeightCount">The number of weights (0 for activations).</param>
    public sealed record LayerDescription(string Name, string Kind, int InFeatures, int OutFeatures, bool IsStochastic, long WeightCount);
}
