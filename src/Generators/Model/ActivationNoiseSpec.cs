namespace Ibex.Generators.Model
{
    /// <summary>Information Dropout on a ReLU or Softplus layer.</summary>
    /// <param name="SourceLayer">The Dense or Conv2d layer whose input the parallel α(x) layer reads, and whose geometry it copies.</param>
    /// <param name="AlphaMax">The cap in <c>α(x) = 0.001 + α_max·sigmoid(·)</c>.</param>
    /// <remarks>Must stay immutable and structurally equatable: it is part of the incremental pipeline's output.</remarks>
    internal sealed record ActivationNoiseSpec(string SourceLayer, double AlphaMax);
}
