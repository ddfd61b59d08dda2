namespace Ibex.Generators.Model
{
    /// <summary>Everything the emitter needs to write one network's module.</summary>
    /// <param name="Namespace">The containing namespace, empty for the global namespace.</param>
    /// <param name="TypeName">The class name.</param>
    /// <param name="InputShape">The declared input shape (without the batch dimension).</param>
    /// <param name="Layers">The layers in forward order.</param>
    /// <remarks>Must stay immutable and structurally equatable: it is part of the incremental pipeline's output.</remarks>
    internal sealed record NetworkSpec(
        string Namespace,
        string TypeName,
        EquatableArray<int> InputShape,
        InformationSpec Information,
        EquatableArray<LayerSpec> Layers)
    {
        public string FullyQualifiedName => Namespace.Length == 0 ? "global::" + Identifier : "global::" + Namespace + "." + Identifier;

        /// <summary>The class name as code writes it: with '@' when it is also a keyword or contextual keyword ('partial', 'record').</summary>
        public string Identifier => Emitting.CodeText.Identifier(TypeName);

        public string HintName => (Namespace.Length == 0 ? TypeName : Namespace + "." + TypeName) + ".g.cs";
    }
}
