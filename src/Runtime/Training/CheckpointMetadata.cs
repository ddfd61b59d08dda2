using System.Collections.Generic;
using Ibex.Runtime.Persistence;

namespace Ibex.Runtime.Training
{
    /// <summary>
    /// Everything besides tensors that a checkpoint needs to resume a run exactly: where it stopped, what it was training,
    /// with which settings, and what it measured so far.
    /// </summary>
    public sealed record CheckpointMetadata
    {
        /// <summary>The checkpoint format's version.</summary>
        public int FormatVersion { get; init; } = BinarySections.CurrentVersion;

        /// <summary>The network's class name.</summary>
        public required string Network { get; init; }

        /// <summary>The declaration hash of the network (see <see cref="NetworkDescription.DeclarationHash"/>).</summary>
        public required string DeclarationHash { get; init; }

        /// <summary>
        /// What is noisy in the network, layer kinds as its description gives them ("log-normal weights", "Gaussian weights",
        /// "information dropout"), distinct and in layer order.
        /// </summary>
        public string NoiseFamily { get; init; } = "log-normal weights";

        /// <summary>β in force.</summary>
        public required double Beta { get; init; }

        /// <summary>N, the training-set size.</summary>
        public required long TrainingExamples { get; init; }

        /// <summary>The run's seed.</summary>
        public required long Seed { get; init; }

        /// <summary>The epoch to continue in (1-based).</summary>
        public required int Epoch { get; init; }

        /// <summary>The 0-based batch of <see cref="Epoch"/> to run next.</summary>
        public required long NextBatch { get; init; }

        /// <summary>Optimizer steps taken so far (drives the learning-rate schedule and the β warm-up).</summary>
        public required long Step { get; init; }

        /// <summary>The epoch in progress, measured so far.</summary>
        public required EpochAccumulator Accumulated { get; init; }

        /// <summary>The reports of the epochs already completed.</summary>
        public required IReadOnlyList<EpochReport> Reports { get; init; }

        /// <summary>The settings of the segment in progress.</summary>
        public required TrainingSettings Settings { get; init; }

        /// <summary>
        /// Every rank's torch generator state (its noise stream), in rank order, when a data-parallel run wrote the checkpoint;
        /// null otherwise (the random-state section holds the one stream).
        /// </summary>
        public IReadOnlyList<byte[]>? RankRandomStates { get; init; }

        /// <summary>The run's segments: its start and every resume that changed settings (null in checkpoints before format 2).</summary>
        public IReadOnlyList<RunSegment>? Segments { get; init; }
    }

    /// <summary>Running sums over the batches of an epoch.</summary>
    public sealed record EpochAccumulator(double LossSum, double CrossEntropySum, long Correct, long Seen, long Batches, double Seconds)
    {
        /// <summary>Nothing measured yet.</summary>
        public static readonly EpochAccumulator Empty = new(0, 0, 0, 0, 0, 0);
    }
}
