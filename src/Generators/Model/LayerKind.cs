namespace Ibex.Generators.Model
{
    /// <summary>The kinds of layer the DSL declares.</summary>
    internal enum LayerKind
    {
        Dense,
        ReLU,
        Softplus,
        Tanh,
        ELU,
    }
}
