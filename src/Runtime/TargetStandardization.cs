using System;
using System.Collections.Generic;

namespace Ibex.Runtime
{
    /// <summary>
    /// The per-target statistics a regression network's training targets were standardized with, <c>y' = (y − μ) / σ</c>.
    /// The network carries them (<see cref="InformationNetwork.TargetStandardization"/>), its saved file carries them, and
    /// prediction maps back: a mean <c>μ' ↦ μ + σ·μ'</c>, a variance <c>v' ↦ σ²·v'</c>, an interval bound like a mean.
    /// </summary>
    public sealed class TargetStandardization : ColumnStandardization, IEquatable<TargetStandardization>
    {
        /// <summary>Statistics for <c>mean.Count</c> targets; every μ finite, every σ finite and positive.</summary>
        public TargetStandardization(IReadOnlyList<float> mean, IReadOnlyList<float> standardDeviation)
            : base(mean, standardDeviation, "target")
        {
        }

        /// <summary>The number of targets.</summary>
        public int Targets => Columns;

        /// <summary>A standardized value of target <paramref name="target"/> in the target's own units, <c>μ + σ·y'</c>.</summary>
        public double Unstandardize(int target, double value) => Mean[target] + (double)StandardDeviation[target] * value;

        /// <summary>A standardized variance of target <paramref name="target"/> in the target's own units, <c>σ²·v'</c>.</summary>
        public double UnstandardizeVariance(int target, double variance) => (double)StandardDeviation[target] * StandardDeviation[target] * variance;

        /// <inheritdoc/>
        public bool Equals(TargetStandardization? other) => Equals((object?)other);

        /// <inheritdoc/>
        public override bool Equals(object? obj) => base.Equals(obj);

        /// <inheritdoc/>
        public override int GetHashCode() => base.GetHashCode();
    }
}
