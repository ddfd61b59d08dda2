using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace Ibex.Runtime
{
    /// <summary>
    /// The per-target statistics a regression network's training targets were standardized with, <c>y' = (y − μ) / σ</c>.
    /// The network carries them (<see cref="InformationNetwork.TargetStandardization"/>), its saved file carries them, and
    /// prediction maps back: a mean <c>μ' ↦ μ + σ·μ'</c>, a variance <c>v' ↦ σ²·v'</c>, an interval bound like a mean.
    /// </summary>
    public sealed class TargetStandardization : IEquatable<TargetStandardization>
    {
        private readonly float[] mean;
        private readonly float[] standardDeviation;

        /// <summary>Statistics for <c>mean.Count</c> targets; every μ finite, every σ finite and positive.</summary>
        public TargetStandardization(IReadOnlyList<float> mean, IReadOnlyList<float> standardDeviation)
        {
            ArgumentNullException.ThrowIfNull(mean);
            ArgumentNullException.ThrowIfNull(standardDeviation);
            if (mean.Count == 0 || mean.Count != standardDeviation.Count)
            {
                throw new ArgumentException(
                    $"A target standardization needs one mean and one standard deviation per target; got {mean.Count} means and {standardDeviation.Count} deviations.",
                    nameof(standardDeviation));
            }

            for (int i = 0; i < mean.Count; i++)
            {
                if (!float.IsFinite(mean[i]) || !float.IsFinite(standardDeviation[i]) || standardDeviation[i] <= 0)
                {
                    throw new ArgumentException(
                        $"Target {i} has mean {mean[i]} and standard deviation {standardDeviation[i]}: the mean must be finite and the deviation finite and positive.",
                        nameof(standardDeviation));
                }
            }

            this.mean = mean.ToArray();
            this.standardDeviation = standardDeviation.ToArray();
        }

        /// <summary>The per-target means μ.</summary>
        public IReadOnlyList<float> Mean => mean;

        /// <summary>The per-target standard deviations σ.</summary>
        public IReadOnlyList<float> StandardDeviation => standardDeviation;

        /// <summary>The number of targets.</summary>
        public int Targets => mean.Length;

        /// <summary><c>(y − μ) / σ</c> of targets [B, T], as a new tensor on their device.</summary>
        public torch.Tensor Apply(torch.Tensor targets)
        {
            using var m = torch.tensor(mean, dtype: targets.dtype, device: targets.device);
            using var s = torch.tensor(standardDeviation, dtype: targets.dtype, device: targets.device);
            return targets.sub(m).div_(s);
        }

        /// <summary>A standardized value of target <paramref name="target"/> in the target's own units, <c>μ + σ·y'</c>.</summary>
        public double Unstandardize(int target, double value) => mean[target] + (double)standardDeviation[target] * value;

        /// <summary>A standardized variance of target <paramref name="target"/> in the target's own units, <c>σ²·v'</c>.</summary>
        public double UnstandardizeVariance(int target, double variance) => (double)standardDeviation[target] * standardDeviation[target] * variance;

        /// <inheritdoc/>
        public bool Equals(TargetStandardization? other)
            => other is not null && mean.AsSpan().SequenceEqual(other.mean) && standardDeviation.AsSpan().SequenceEqual(other.standardDeviation);

        /// <inheritdoc/>
        public override bool Equals(object? obj) => Equals(obj as TargetStandardization);

        /// <inheritdoc/>
        public override int GetHashCode() => HashCode.Combine(Targets, mean[0], standardDeviation[0]);
    }
}
