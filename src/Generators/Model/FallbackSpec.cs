namespace Ibex.Generators.Model
{
    /// <summary>
    /// A network the parser refused: what the emitter needs to implement its partial layer properties anyway (each
    /// throwing), so that the user sees the Ibex error alone rather than one compiler error per unimplemented property.
    /// </summary>
    /// <param name="Namespace">The containing namespace, empty for the global namespace.</param>
    /// <param name="TypeName">The type's name, for messages.</param>
    /// <param name="TypeHeaders">The partial declarations to open, outermost first ("partial class Outer", "partial record Net&lt;T&gt;").</param>
    /// <param name="HintName">A hint name unique to this declaration.</param>
    /// <param name="Properties">The partial properties declared without an implementation.</param>
    /// <remarks>Must stay immutable and structurally equatable: it is part of the incremental pipeline's output.</remarks>
    internal sealed record FallbackSpec(string Namespace, string TypeName, EquatableArray<string> TypeHeaders, string HintName, EquatableArray<FallbackProperty> Properties);

    /// <param name="Name">The property name.</param>
    /// <param name="Modifiers">Its accessibility keywords and <c>static</c>, as declared.</param>
    /// <param name="TypeName">Its type, fully qualified.</param>
    internal sealed record FallbackProperty(string Name, string Modifiers, string TypeName);
}
