using System;

namespace Ibex.Generators.Model
{
    /// <summary>One declared layer, with the shape the parser inferred for it.</summary>
    /// <param name="Name">The property name: the layer's key in saved weights.</param>
    /// <param name="Accessibility">The C# accessibility keywords of the declared property, as written.</param>
    /// <param name="InFeatures">Width of the layer's input.</param>
    /// <param name="OutFeatures">Width of the layer's output.</param>
    /// <param name="HasBias">Dense only: whether it adds a bias.</param>
    /// <param name="IsStochastic">Whether its weights carry log-normal multiplicative noise.</param>
    /// <param name="InitialLogAlpha">Stochastic only: the initial ρ = log α of its weights.</param>
    /// <param name="EluAlpha">ELU only: the saturation value α.</param>
    /// <remarks>Must stay immutable and structurally equatable: it is part of the incremental pipeline's output.</remarks>
    internal sealed record LayerSpec(
        string Name,
        string Accessibility,
        LayerKind Kind,
        int InFeatures,
        int OutFeatures,
        bool HasBias,
        bool IsStochastic,
        double InitialLogAlpha,
        double EluAlpha)
    {
        public bool HasWeights => Kind == LayerKind.Dense;

        public long WeightCount => HasWeights ? (long)InFeatures * OutFeatures : 0;

        /// <summary>The private field that holds the layer's module in the generated class.</summary>
        public string FieldName => char.ToLowerInvariant(Name[0]) + Name.Substring(1) + "Layer";

        /// <summary>Prefix for the generated locals that belong to this layer.</summary>
        public string LocalPrefix => char.ToLowerInvariant(Name[0]) + Name.Substring(1);
    }
}
