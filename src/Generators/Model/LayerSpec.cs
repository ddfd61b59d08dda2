using Ibex.Generators.Layers;

namespace Ibex.Generators.Model
{
    /// <summary>One declared layer, with the shapes the parser inferred for it.</summary>
    /// <param name="Name">The property name: the layer's key in saved weights.</param>
    /// <param name="Accessibility">The C# accessibility keywords of the declared property, as written.</param>
    /// <param name="Settings">What the layer's attribute declared, in the form its <see cref="LayerRule"/> defines.</param>
    /// <param name="InputShape">The shape of one example entering the layer: <c>[features]</c> or <c>[channels, height, width]</c>.</param>
    /// <param name="OutputShape">The shape of one example leaving it.</param>
    /// <param name="WeightNoise">Stochastic Dense or Conv2d: the weight noise; otherwise null.</param>
    /// <param name="ActivationNoise">Stochastic ReLU or Softplus (Information Dropout); otherwise null.</param>
    /// <param name="KeepsOutput">Whether a later Residual layer adds this layer's output, so the forward pass keeps it.</param>
    /// <remarks>Must stay immutable and structurally equatable: it is part of the incremental pipeline's output.</remarks>
    internal sealed record LayerSpec(
        string Name,
        string Accessibility,
        LayerSettings Settings,
        EquatableArray<int> InputShape,
        EquatableArray<int> OutputShape,
        WeightNoiseSpec? WeightNoise = null,
        ActivationNoiseSpec? ActivationNoise = null,
        bool KeepsOutput = false)
    {
        /// <summary>The rule of the layer's kind: everything the generator knows about it.</summary>
        public LayerRule Rule => Settings.Rule;

        /// <summary>The kind's name, as the attribute is written (Dense, Conv2d, …).</summary>
        public string Kind => Rule.Name;

        /// <summary>The rule of a Dense or Conv2d layer, whose weights can carry noise; null for other kinds.</summary>
        public WeightLayerRule? WeightRule => Rule as WeightLayerRule;

        public bool IsStochastic => WeightNoise is not null || ActivationNoise is not null;

        /// <summary>The property's name as generated code writes it (<c>@in</c> for a layer named with a keyword).</summary>
        public string Identifier => Emitting.CodeText.Identifier(Name);

        /// <summary>The private field that holds the layer's module in the generated class.</summary>
        public string FieldName => LocalPrefix + "Layer";

        /// <summary>Prefix for the generated locals that belong to this layer.</summary>
        public string LocalPrefix => LocalPrefixOf(Name);

        /// <summary>
        /// The generated local holding this layer's <paramref name="what"/> (camelCase, no underscore): <c>{prefix}_{what}</c>.
        /// No layer name can make two of them, or one of them and a fixed local (which has no underscore), the same: the
        /// part after the last underscore is always <paramref name="what"/>, and prefixes are unique.
        /// </summary>
        public string Local(string what) => LocalOf(Name, what);

        public static string LocalOf(string layerName, string what) => LocalPrefixOf(layerName) + "_" + what;

        private static string LocalPrefixOf(string name) => char.ToLowerInvariant(name[0]) + name.Substring(1);
    }
}
