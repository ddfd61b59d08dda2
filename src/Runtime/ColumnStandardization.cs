using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace Ibex.Runtime
{
    /// <summary>
    /// Per-column statistics of a standardization <c>v' = (v − μ) / σ</c>, fitted on training data: every μ finite, every σ
    /// finite and positive. <see cref="InputStandardization"/> holds a network's features', <see cref="TargetStandardization"/>
    /// a regression network's targets'. Two are equal when they are of one kind with the same numbers.
    /// </summary>
    public abstract class ColumnStandardization
    {
        private readonly float[] mean;
        private readonly float[] standardDeviation;
        private readonly string column;

        /// <summary>Checks and copies the statistics; <paramref name="column"/> ("feature", "target") names a column in messages.</summary>
        private protected ColumnStandardization(IReadOnlyList<float> mean, IReadOnlyList<float> standardDeviation, string column)
        {
            ArgumentNullException.ThrowIfNull(mean);
            ArgumentNullException.ThrowIfNull(standardDeviation);
            if (mean.Count == 0 || mean.Count != standardDeviation.Count)
            {
                throw new ArgumentException(
                    $"{(column == "feature" ? "An input" : "A " + column)} standardization needs one mean and one standard deviation per {column}; got {mean.Count} means and {standardDeviation.Count} deviations.",
                    nameof(standardDeviation));
            }

            for (int i = 0; i < mean.Count; i++)
            {
                if (!float.IsFinite(mean[i]) || !float.IsFinite(standardDeviation[i]) || standardDeviation[i] <= 0)
                {
                    throw new ArgumentException(
                        $"{char.ToUpperInvariant(column[0])}{column[1..]} {i} has mean {mean[i]} and standard deviation {standardDeviation[i]}: the mean must be finite and the deviation finite and positive.",
                        nameof(standardDeviation));
                }
            }

            this.mean = mean.ToArray();
            this.standardDeviation = standardDeviation.ToArray();
            this.column = column;
        }

        /// <summary>The per-column means μ.</summary>
        public IReadOnlyList<float> Mean => mean;

        /// <summary>The per-column standard deviations σ.</summary>
        public IReadOnlyList<float> StandardDeviation => standardDeviation;

        /// <summary>The number of columns the statistics are for.</summary>
        private protected int Columns => mean.Length;

        /// <summary><c>(v − μ) / σ</c> of a batch [B, columns], as a new tensor on the batch's device.</summary>
        public torch.Tensor Apply(torch.Tensor batch)
        {
            ArgumentNullException.ThrowIfNull(batch);
            if (batch.shape.Length != 2 || batch.shape[1] != Columns)
            {
                throw new ArgumentException(
                    $"The standardization is for examples of {Columns} {column}s, flat; got a batch of shape [{string.Join(", ", batch.shape)}].", nameof(batch));
            }

            using var m = torch.tensor(mean, dtype: batch.dtype, device: batch.device);
            using var s = torch.tensor(standardDeviation, dtype: batch.dtype, device: batch.device);
            return batch.sub(m).div_(s);
        }

        /// <inheritdoc/>
        public override bool Equals(object? obj)
            => obj is ColumnStandardization other && other.GetType() == GetType()
                && mean.AsSpan().SequenceEqual(other.mean) && standardDeviation.AsSpan().SequenceEqual(other.standardDeviation);

        /// <inheritdoc/>
        public override int GetHashCode() => HashCode.Combine(Columns, mean[0], standardDeviation[0]);
    }
}
