using System;
using System.Collections.Generic;

namespace Ibex.Runtime
{
    /// <summary>
    /// The per-feature statistics a network's training inputs were standardized with, <c>x' = (x − μ) / σ</c>. A network
    /// carries them (<see cref="InformationNetwork.InputStandardization"/>), its saved file carries them, and prediction
    /// applies them to the raw examples it is given, so that a network trained on standardized data is never fed raw rows.
    /// </summary>
    public sealed class InputStandardization : ColumnStandardization, IEquatable<InputStandardization>
    {
        /// <summary>Statistics for <c>mean.Count</c> features; every μ finite, every σ finite and positive.</summary>
        public InputStandardization(IReadOnlyList<float> mean, IReadOnlyList<float> standardDeviation)
            : base(mean, standardDeviation, "feature")
        {
        }

        /// <summary>The number of features.</summary>
        public int Features => Columns;

        /// <inheritdoc/>
        public bool Equals(InputStandardization? other) => Equals((object?)other);

        /// <inheritdoc/>
        public override bool Equals(object? obj) => base.Equals(obj);

        /// <inheritdoc/>
        public override int GetHashCode() => base.GetHashCode();
    }
}
