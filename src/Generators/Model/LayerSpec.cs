namespace Ibex.Generators.Model
{
    /// <summary>One declared layer, with the shapes the parser inferred for it.</summary>
    /// <param name="Name">The property name: the layer's key in saved weights.</param>
    /// <param name="Accessibility">The C# accessibility keywords of the declared property, as written.</param>
    /// <param name="InputShape">The shape of one example entering the layer: <c>[features]</c> or <c>[channels, height, width]</c>.</param>
    /// <param name="OutputShape">The shape of one example leaving it.</param>
    /// <param name="HasBias">Dense and Conv2d: whether it adds a bias.</param>
    /// <param name="Kernel">Conv2d and pooling: the side of the square window.</param>
    /// <param name="Stride">Conv2d and pooling: the step between windows.</param>
    /// <param name="Padding">Conv2d: zeros added on every side.</param>
    /// <param name="Rate">ELU: α; Dropout: the drop probability; BatchNorm: the momentum.</param>
    /// <param name="Epsilon">BatchNorm: added to the variance.</param>
    /// <param name="ResidualFrom">Residual: the layer whose output is added.</param>
    /// <param name="WeightNoise">Stochastic Dense or Conv2d: the weight noise; otherwise null.</param>
    /// <param name="ActivationNoise">Stochastic ReLU or Softplus (Information Dropout); otherwise null.</param>
    /// <param name="KeepsOutput">Whether a later Residual layer adds this layer's output, so the forward pass keeps it.</param>
    /// <remarks>Must stay immutable and structurally equatable: it is part of the incremental pipeline's output.</remarks>
    internal sealed record LayerSpec(
        string Name,
        string Accessibility,
        LayerKind Kind,
        EquatableArray<int> InputShape,
        EquatableArray<int> OutputShape,
        bool HasBias = false,
        int Kernel = 0,
        int Stride = 0,
        int Padding = 0,
        double Rate = 0,
        double Epsilon = 0,
        string ResidualFrom = "",
        WeightNoiseSpec? WeightNoise = null,
        ActivationNoiseSpec? ActivationNoise = null,
        bool KeepsOutput = false)
    {
        public bool HasWeights => Kind is LayerKind.Dense or LayerKind.Conv2d;

        public bool IsStochastic => WeightNoise is not null || ActivationNoise is not null;

        /// <summary>Dense: in features; Conv2d: in channels.</summary>
        public int InChannels => InputShape[0];

        /// <summary>Dense: out features; Conv2d: out channels.</summary>
        public int OutChannels => OutputShape[0];

        /// <summary>Weights per output unit or channel: the fan-in.</summary>
        public long FanIn => Kind == LayerKind.Conv2d ? (long)InChannels * Kernel * Kernel : Kind == LayerKind.Dense ? InChannels : 0;

        public long WeightCount => HasWeights ? FanIn * OutChannels : 0;

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
