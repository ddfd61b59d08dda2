namespace Ibex.Runtime.Training
{
    /// <summary>
    /// A checkpoint read back: its metadata, and the serialized state that the trainer restores once it has built its
    /// optimizer (the network's weights are already loaded by then).
    /// </summary>
    /// <param name="Path">The file it came from.</param>
    /// <param name="Metadata">Where the run stopped and what it trained.</param>
    /// <param name="OptimizerState">The optimizer's state dictionary, as TorchSharp saves it.</param>
    /// <param name="GlobalRandomState">torch's CPU generator state (the weight-noise stream).</param>
    /// <param name="ShuffleStateAtEpochStart">The shuffling generator's state before the epoch's permutation was drawn.</param>
    public sealed record TrainingCheckpoint(
        string Path,
        CheckpointMetadata Metadata,
        byte[] OptimizerState,
        byte[] GlobalRandomState,
        byte[] ShuffleStateAtEpochStart)
    {
        /// <summary>Set when this is not the latest checkpoint (the latest was damaged or missing): what happened, for the log.</summary>
        public string? Warning { get; init; }
    }
}
