using System;
using TorchSharp;

namespace Ibex.Runtime.Data
{
    /// <summary>
    /// Standardizes features to mean 0 and standard deviation 1 with statistics computed on the training data only, so
    /// that nothing of the validation or test data leaks into training: <c>x' = (x − μ) / σ</c> per feature, with σ = 1
    /// for a feature that is constant in the training data (such as an always-black image corner).
    /// </summary>
    public sealed class Standardization : IDisposable
    {
        private readonly torch.Tensor mean;
        private readonly torch.Tensor scale;

        private Standardization(torch.Tensor mean, torch.Tensor scale)
        {
            this.mean = mean;
            this.scale = scale;
            Statistics = new InputStandardization(Mean, StandardDeviation);
        }

        /// <summary>The per-feature means μ of the training data.</summary>
        public float[] Mean => mean.data<float>().ToArray();

        /// <summary>The per-feature standard deviations σ of the training data (1 where a feature is constant).</summary>
        public float[] StandardDeviation => scale.data<float>().ToArray();

        /// <summary>The statistics as the network and its saved file carry them.</summary>
        public InputStandardization Statistics { get; }

        /// <summary>Computes μ and σ of every feature of <paramref name="train"/>.</summary>
        public static Standardization Fit(LabeledData train)
        {
            ArgumentNullException.ThrowIfNull(train);
            var (mean, scale) = ColumnMoments(train.Features);
            return new Standardization(mean, scale);
        }

        /// <summary>
        /// μ and σ of every column of <paramref name="values"/> [N, C], computed in float64 on the CPU and returned as float32
        /// [C] (population σ; 1 where a column is constant, so that it is only shifted).
        /// </summary>
        internal static (torch.Tensor Mean, torch.Tensor Scale) ColumnMoments(torch.Tensor values)
        {
            using var scope = torch.NewDisposeScope();
            var exact = values.to(torch.float64, torch.CPU);
            var mean = exact.mean(new long[] { 0 });
            var deviation = exact.std(0, unbiased: false);
            var scale = torch.where(deviation.gt(1e-12), deviation, torch.ones_like(deviation));
            return (mean.to(torch.float32).MoveToOuterDisposeScope(), scale.to(torch.float32).MoveToOuterDisposeScope());
        }

        /// <summary>
        /// The standardized copy of <paramref name="data"/>, on its device, marked with the statistics
        /// (<see cref="LabeledData.StandardizedWith"/>) so that a network trained on it standardizes what it predicts.
        /// </summary>
        public LabeledData Apply(LabeledData data)
        {
            ArgumentNullException.ThrowIfNull(data);
            if (data.Features.shape[1] != mean.shape[0])
            {
                throw new ArgumentException($"The statistics are for {mean.shape[0]} features, but the data has {data.Features.shape[1]}.", nameof(data));
            }

            if (data.StandardizedWith is not null)
            {
                throw new ArgumentException("The data is standardized already; apply the standardization to the raw data once.", nameof(data));
            }

            var device = data.Features.device;
            using var m = mean.to(device);
            using var s = scale.to(device);

            return new LabeledData(data.Features.sub(m).div_(s), data.Labels.clone())
            {
                ExampleShape = data.ExampleShape,
                StandardizedWith = Statistics,
                TargetsStandardizedWith = data.TargetsStandardizedWith,
                ClassNames = data.ClassNames,
            };
        }

        /// <inheritdoc/>
        public void Dispose()
        {
            mean.Dispose();
            scale.Dispose();
        }
    }
}
