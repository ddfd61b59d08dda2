using System;
using System.Threading;
using Ibex.Runtime.Data;
using Microsoft.Extensions.Options;

namespace Ibex.Runtime.Hosting
{
    /// <summary>The default data source: Fashion-MNIST or synthetic clusters, subset and label noise as configured.</summary>
    public sealed class OptionsTrainingDataSource(IOptions<TrainingOptions> options) : ITrainingDataSource
    {
        /// <inheritdoc/>
        public TrainingData Load(NetworkDescription network, CancellationToken cancellationToken)
        {
            var data = options.Value.Data;
            LabeledData train, test;
            if (data.Source == DataSourceKind.Synthetic)
            {
                using var all = SyntheticClusters.Create(data.SyntheticExamples + data.SyntheticExamples / 4 + 1, network.InputFeatures, network.Classes, options.Value.Seed);
                train = all.Slice(0, data.SyntheticExamples);
                test = all.Slice(data.SyntheticExamples, all.Count - data.SyntheticExamples);
            }
            else
            {
                if (network.InputFeatures != FashionMnist.Features || network.Classes != FashionMnist.Classes)
                {
                    throw new InvalidOperationException(
                        $"{network.Name} takes [Input({string.Join(", ", network.InputShape)})] and produces {network.Classes} class scores, but Fashion-MNIST " +
                        $"has {FashionMnist.Features} features and {FashionMnist.Classes} classes. Declare [Input(784)] and a last layer of 10 units, or use another data source.");
                }

                using var full = FashionMnist.LoadTrain(data.Path);
                train = data.TrainSize is int size ? full.Take(Math.Min(size, full.Count)) : full.Slice(0, full.Count);
                test = FashionMnist.LoadTest(data.Path);
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (data.RandomLabelFraction > 0)
            {
                var noisy = LabelNoise.Randomize(train.Labels, data.RandomLabelFraction, network.Classes, data.LabelSeed);
                var replaced = new LabeledData(train.Features.clone(), noisy);
                train.Dispose();
                train = replaced;
            }

            return new TrainingData(train, test);
        }
    }
}
