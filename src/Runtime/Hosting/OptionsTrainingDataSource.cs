using System;
using System.Threading;
using Ibex.Runtime.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ibex.Runtime.Hosting
{
    /// <summary>
    /// The default data source, as <see cref="DataOptions"/> configure it: Fashion-MNIST or any IDX folder, a CSV file, an
    /// image folder or synthetic clusters; then the training subset and the label noise.
    /// </summary>
    public sealed class OptionsTrainingDataSource(IOptions<TrainingOptions> options, ILogger<OptionsTrainingDataSource> logger) : ITrainingDataSource
    {
        /// <inheritdoc/>
        public string Description
        {
            get
            {
                var data = options.Value.Data;
                return data.Source switch
                {
                    DataSourceKind.Synthetic => $"Synthetic ({data.SyntheticExamples} training examples)",
                    DataSourceKind.Csv or DataSourceKind.ImageFolder => $"{data.Source} {data.Path}" + (data.TestPath is null ? "" : $" (test: {data.TestPath})"),
                    _ => $"{data.Source} {data.Path}",
                } + (data.Standardize ? ", standardized" : "");
            }
        }

        /// <inheritdoc/>
        public TrainingData Load(NetworkDescription network, CancellationToken cancellationToken)
        {
            var data = options.Value.Data;
            var (train, test) = data.Source switch
            {
                DataSourceKind.Synthetic => Synthetic(data, network, options.Value.Seed),
                DataSourceKind.FashionMnist => FashionMnistFor(data, network),
                DataSourceKind.Idx => (FashionMnist.LoadTrain(data.Path), FashionMnist.LoadTest(data.Path)),
                DataSourceKind.Csv => (CsvData.Load(data.Path, Csv(data)), data.TestPath is null ? null : CsvData.Load(data.TestPath, Csv(data))),
                DataSourceKind.ImageFolder => Images(data, network),
                _ => throw new InvalidOperationException($"Ibex:Training:Data:Source = {data.Source} is not a data source Ibex knows."),
            };

            cancellationToken.ThrowIfCancellationRequested();
            if (data.TrainSize is int wanted && wanted > train.Count)
            {
                Log.TrainSizeBeyondData(logger, wanted, data.Source == DataSourceKind.Synthetic ? "the synthetic data" : data.Path, train.Count);
            }

            if (data.TrainSize is int size && size < train.Count)
            {
                var subset = train.Take(size);
                train.Dispose();
                train = subset;
            }

            if (data.RandomLabelFraction > 0 && network.Likelihood != Dsl.Likelihood.Categorical)
            {
                throw new InvalidOperationException(
                    $"Ibex:Training:Data:RandomLabelFraction = {data.RandomLabelFraction} replaces class labels, but {network.Name} has the {network.Likelihood} likelihood; set it to 0.");
            }

            if (data.RandomLabelFraction > 0)
            {
                var noisy = LabelNoise.Randomize(train.Labels, data.RandomLabelFraction, network.Classes, data.LabelSeed);
                var replaced = train.WithFeaturesAndLabels(train.Features.clone(), noisy);
                train.Dispose();
                train = replaced;
            }

            if (data.Standardize)
            {
                using var standardization = Standardization.Fit(train);
                var (standardTrain, standardTest) = (standardization.Apply(train), test is null ? null : standardization.Apply(test));
                train.Dispose();
                test?.Dispose();
                (train, test) = (standardTrain, standardTest);
                if (network.IsRegression && train.TargetCount > 0)
                {
                    var targets = TargetStandardizer.Fit(train);
                    (standardTrain, standardTest) = (TargetStandardizer.Apply(targets, train), test is null ? null : TargetStandardizer.Apply(targets, test));
                    train.Dispose();
                    test?.Dispose();
                    (train, test) = (standardTrain, standardTest);
                }
            }

            return new TrainingData(train, test);
        }

        private static (LabeledData Train, LabeledData? Test) Synthetic(DataOptions data, NetworkDescription network, long seed)
        {
            using var all = SyntheticClusters.Create(data.SyntheticExamples + data.SyntheticExamples / 4 + 1, network.InputFeatures, network.Classes, seed);
            return (all.Slice(0, data.SyntheticExamples), all.Slice(data.SyntheticExamples, all.Count - data.SyntheticExamples));
        }

        private static (LabeledData Train, LabeledData? Test) FashionMnistFor(DataOptions data, NetworkDescription network)
        {
            if (network.InputFeatures != FashionMnist.Features || network.Classes != FashionMnist.Classes)
            {
                throw new InvalidOperationException(
                    $"{network.Name} takes [Input({string.Join(", ", network.InputShape)})] and produces {network.Classes} class scores, but Fashion-MNIST " +
                    $"has {FashionMnist.Features} features and {FashionMnist.Classes} classes. Declare [Input(784)] or [Input(1, 28, 28)] and a last layer of 10 units, or use another data source.");
            }

            return (FashionMnist.LoadTrain(data.Path), FashionMnist.LoadTest(data.Path));
        }

        /// <summary>The test folder's labels follow the training folder's class names, so a test folder that lacks a class is an error naming it, not shifted labels.</summary>
        private static (LabeledData Train, LabeledData? Test) Images(DataOptions data, NetworkDescription network)
        {
            var train = ImageFolder.Load(data.Path, network.InputShape);
            try
            {
                return (train, data.TestPath is null ? null : ImageFolder.Load(data.TestPath, network.InputShape, train.ClassNames));
            }
            catch
            {
                train.Dispose();
                throw;
            }
        }

        private static CsvDataOptions Csv(DataOptions data)
            => new() { LabelColumn = data.LabelColumn, TargetColumns = data.TargetColumns is { Length: > 0 } targets ? targets : null };
    }
}
