using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace Ibex.Runtime
{
    /// <summary>
    /// The per-feature statistics a network's training inputs were standardized with, <c>x' = (x − μ) / σ</c>. A network
    /// carries them (<see cref="InformationNetwork.InputStandardization"/>), its saved file carries them, and prediction
    /// applies them to the raw examples it is given, so that a network trained on standardized data is never fed raw rows.
    /// </summary>
    public sealed class InputStandardization : IEquatable<InputStandardization>
    {
        private readonly float[] mean;
        private readonly float[] standardDeviation;

        /// <summary>Statistics for <c>mean.Count</c> features; every μ finite, every σ finite and positive.</summary>
        public InputStandardization(IReadOnlyList<float> mean, IReadOnlyList<float> standardDeviation)
        {
            ArgumentNullException.ThrowIfNull(mean);
            ArgumentNullException.ThrowIfNull(standardDeviation);
            if (mean.Count == 0 || mean.Count != standardDeviation.Count)
            {
                throw new ArgumentException(
                    $"An input standardization needs one mean and one standard deviation per feature; got {mean.Count} means and {standardDeviation.Count} deviations.",
                    nameof(standardDeviation));
            }

            for (int i = 0; i < mean.Count; i++)
            {
                if (!float.IsFinite(mean[i]) || !float.IsFinite(standardDeviation[i]) || standardDeviation[i] <= 0)
                {
                    throw new ArgumentException(
                        $"Feature {i} has mean {mean[i]} and standard deviation {standardDeviation[i]}: the mean must be finite and the deviation finite and positive.",
                        nameof(standardDeviation));
                }
            }

            this.mean = mean.ToArray();
            this.standardDeviation = standardDeviation.ToArray();
        }

        /// <summary>The per-feature means μ.</summary>
        public IReadOnlyList<float> Mean => mean;

        /// <summary>The per-feature standard deviations σ.</summary>
        public IReadOnlyList<float> StandardDeviation => standardDeviation;

        /// <summary>The number of features.</summary>
        public int Features => mean.Length;

        /// <summary><c>(x − μ) / σ</c> of a batch [B, F] of raw examples, as a new tensor on the batch's device.</summary>
        public torch.Tensor Apply(torch.Tensor batch)
        {
            ArgumentNullException.ThrowIfNull(batch);
            if (batch.shape.Length != 2 || batch.shape[1] != Features)
            {
                throw new ArgumentException(
                    $"The standardization is for examples of {Features} features, flat; got a batch of shape [{string.Join(", ", batch.shape)}].", nameof(batch));
            }

            using var m = torch.tensor(mean, dtype: batch.dtype, device: batch.device);
            using var s = torch.tensor(standardDeviation, dtype: batch.dtype, device: batch.device);
            return batch.sub(m).div_(s);
        }

        /// <inheritdoc/>
        public bool Equals(InputStandardization? other)
            => other is not null && mean.AsSpan().SequenceEqual(other.mean) && standardDeviation.AsSpan().SequenceEqual(other.standardDeviation);

        /// <inheritdoc/>
        public override bool Equals(object? obj) => Equals(obj as InputStandardization);

        /// <inheritdoc/>
        public override int GetHashCode() => HashCode.Combine(Features, mean[0], standardDeviation[0]);
    }
}
