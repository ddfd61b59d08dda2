namespace Ibex.Runtime.Prediction
{
    /// <summary>How a <see cref="Predictor{TNetwork}"/> predicts.</summary>
    public sealed class PredictionOptions
    {
        /// <summary>The default activation budget: 1 GiB.</summary>
        public const long DefaultMemoryBudgetBytes = ActivationMemory.DefaultBudgetBytes;

        /// <summary>
        /// The most memory the activations of one forward pass may take. Examples go through the network in chunks that fit
        /// it, and Monte-Carlo samples one after another, so any number of examples and samples completes in bounded memory.
        /// </summary>
        public long MemoryBudgetBytes { get; set; } = DefaultMemoryBudgetBytes;

        /// <summary>
        /// The seed of the Monte-Carlo weight samples. With a seed, the same call gives the same result every time, and an
        /// example gets the same result whatever batch it arrives in; null draws fresh samples on every call.
        /// </summary>
        public long? Seed { get; set; } = 0;
    }
}
