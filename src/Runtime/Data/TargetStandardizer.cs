using System;
using TorchSharp;

namespace Ibex.Runtime.Data
{
    /// <summary>
    /// Standardizes a regression network's targets to mean 0 and standard deviation 1 with statistics of the training data
    /// only, <c>y' = (y − μ) / σ</c> per target (σ = 1 for a target that is constant in the training data). A network
    /// trained on standardized targets carries the statistics and predicts in the targets' own units.
    /// </summary>
    public static class TargetStandardizer
    {
        /// <summary>μ and σ of every target column of <paramref name="train"/>.</summary>
        /// <exception cref="ArgumentException">The data has class indices, not targets, or a target that is not finite.</exception>
        public static TargetStandardization Fit(LabeledData train)
        {
            ArgumentNullException.ThrowIfNull(train);
            if (train.TargetCount == 0)
            {
                throw new ArgumentException("The data has class indices, not real-valued targets; only a regression network's targets are standardized.", nameof(train));
            }

            using (var finite = torch.isfinite(train.Labels))
            {
                if (!finite.all().item<bool>())
                {
                    throw new ArgumentException("The training targets hold a value that is not a finite number; drop or fill those rows before standardizing.", nameof(train));
                }
            }

            var (mean, scale) = Standardization.ColumnMoments(train.Labels);
            using (mean)
            using (scale)
            {
                return new TargetStandardization(mean.data<float>().ToArray(), scale.data<float>().ToArray());
            }
        }

        /// <summary>
        /// A copy of <paramref name="data"/> with standardized targets, marked with the statistics
        /// (<see cref="LabeledData.TargetsStandardizedWith"/>); features, their standardization and shape are kept.
        /// </summary>
        /// <exception cref="ArgumentException">The data has class indices, another number of targets, or is standardized already.</exception>
        public static LabeledData Apply(TargetStandardization statistics, LabeledData data)
        {
            ArgumentNullException.ThrowIfNull(statistics);
            ArgumentNullException.ThrowIfNull(data);
            if (data.TargetCount != statistics.Targets)
            {
                throw new ArgumentException($"The statistics are for {statistics.Targets} targets, but the data has {data.TargetCount}{(data.TargetCount == 0 ? " (it has class indices)" : "")}.", nameof(data));
            }

            if (data.TargetsStandardizedWith is not null)
            {
                throw new ArgumentException("The data's targets are standardized already; apply the standardization to the raw targets once.", nameof(data));
            }

            return new LabeledData(data.Features.clone(), statistics.Apply(data.Labels))
            {
                ExampleShape = data.ExampleShape,
                StandardizedWith = data.StandardizedWith,
                TargetsStandardizedWith = statistics,
                ClassNames = data.ClassNames,
            };
        }
    }
}
