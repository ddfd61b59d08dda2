namespace Ibex.Runtime.Compression
{
    /// <summary>What <see cref="NetworkPruner"/> removes.</summary>
    public sealed record PruningOptions
    {
        /// <summary>
        /// Weights with ρ = log α at or above this are pruned; null (the default) takes each layer's noise family's threshold
        /// (<see cref="PruningThresholds"/>).
        /// </summary>
        public double? LogAlphaThreshold { get; init; }

        /// <summary>
        /// Whether units and channels left without weights leave the exported graph, with their inputs in the next layer
        /// (their constant output folded into its bias), where that is exact. Default true.
        /// </summary>
        public bool RemoveUnits { get; init; } = true;
    }
}
