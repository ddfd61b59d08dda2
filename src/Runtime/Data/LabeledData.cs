using System;
using TorchSharp;

namespace Ibex.Runtime.Data
{
    /// <summary>Examples and their class labels as tensors: features float32 [N, …], labels int64 [N].</summary>
    public sealed class LabeledData : IDisposable
    {
        /// <summary>Wraps <paramref name="features"/> and <paramref name="labels"/>; this object then owns both.</summary>
        public LabeledData(torch.Tensor features, torch.Tensor labels)
        {
            if (features.shape.Length == 0 || labels.shape.Length != 1 || features.shape[0] != labels.shape[0])
            {
                throw new ArgumentException(
                    $"Features [{string.Join(", ", features.shape)}] and labels [{string.Join(", ", labels.shape)}] do not match: " +
                    "labels must be one-dimensional with one entry per example.");
            }

            Features = features;
            Labels = labels.dtype == torch.int64 ? labels : labels.to_type(torch.int64);
        }

        /// <summary>The examples, one per row.</summary>
        public torch.Tensor Features { get; }

        /// <summary>The class of each example, 0 … K−1.</summary>
        public torch.Tensor Labels { get; }

        /// <summary>The number of examples, N.</summary>
        public long Count => Labels.shape[0];

        /// <summary>The first <paramref name="count"/> examples, as a new object (copies).</summary>
        public LabeledData Take(long count) => Slice(0, count);

        /// <summary>Examples <paramref name="start"/> … start + count − 1, as a new object (copies).</summary>
        public LabeledData Slice(long start, long count)
        {
            if (start < 0 || count <= 0 || start + count > Count)
            {
                throw new ArgumentOutOfRangeException(nameof(count), $"Cannot take examples {start} to {start + count - 1} of {Count}.");
            }

            return new LabeledData(Features.narrow(0, start, count).clone(), Labels.narrow(0, start, count).clone());
        }

        /// <inheritdoc/>
        public void Dispose()
        {
            Features.Dispose();
            Labels.Dispose();
        }
    }
}
