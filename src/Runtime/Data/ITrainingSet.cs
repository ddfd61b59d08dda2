using System.Collections.Generic;
using TorchSharp;

namespace Ibex.Runtime.Data
{
    /// <summary>
    /// A training set as <see cref="Training.InformationTrainer"/> reads it: its size N (for β/N), a check against the
    /// network before training, and one epoch at a time in shuffled batches. <see cref="LabeledData"/> holds every example in
    /// memory; <see cref="StreamingData"/> reads files batch by batch and never holds the whole set.
    /// </summary>
    public interface ITrainingSet
    {
        /// <summary>The number of examples, N.</summary>
        long Count { get; }

        /// <summary>
        /// Checks the examples against <paramref name="network"/> (feature count, finite values, labels in [0, classes)) and
        /// throws an <see cref="System.ArgumentException"/> or <see cref="DatasetException"/> naming the first at fault.
        /// </summary>
        void Validate(NetworkDescription network, string name);

        /// <summary>
        /// The batches of one epoch, every example once, in an order drawn from <paramref name="shuffling"/> alone: the same
        /// generator state gives the same batches, which is what makes a resumed run repeat an uninterrupted one. The first
        /// <paramref name="skipBatches"/> batches are passed over. A batch's tensors belong to the dispose scope that is
        /// current when the enumerator advances.
        /// </summary>
        IEnumerable<TrainingBatch> ReadEpoch(int batchSize, torch.Generator shuffling, long skipBatches);

        /// <summary>The statistics the features were standardized with, or null for raw features; the trainer gives them to the network.</summary>
        InputStandardization? StandardizedWith => null;

        /// <summary>The name of each class in label order, or null; the trainer gives them to the network.</summary>
        IReadOnlyList<string>? ClassNames => null;

        /// <summary>The statistics the targets were standardized with, or null for raw targets or class labels; the trainer gives them to the network.</summary>
        TargetStandardization? TargetsStandardizedWith => null;
    }

    /// <summary>One batch: features float32 [B, F] and labels, class indices int64 [B] or targets float32 [B, T].</summary>
    public readonly record struct TrainingBatch(torch.Tensor Features, torch.Tensor Labels)
    {
        /// <summary>The number of examples in the batch.</summary>
        public long Count => Labels.shape[0];
    }
}
