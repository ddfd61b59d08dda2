namespace Ibex.Generators.Model
{
    /// <summary>The kinds of layer the DSL declares, one per layer attribute.</summary>
    internal enum LayerKind
    {
        Dense,
        Conv2d,
        MaxPool2d,
        AvgPool2d,
        GlobalAvgPool,
        Flatten,
        BatchNorm,
        Dropout,
        Residual,
        ReLU,
        Softplus,
        Tanh,
        ELU,
        Sigmoid,
        Identity,
    }
}
