using System;
using System.Threading;
using Ibex.Runtime.Data;

namespace Ibex.Runtime.Hosting
{
    /// <summary>
    /// Supplies a hosted run's data. The default reads <see cref="DataOptions"/>; register your own implementation to train
    /// on anything else.
    /// </summary>
    public interface ITrainingDataSource
    {
        /// <summary>What the data is, for the run's log and <c>report.json</c> (for example "Csv /data/train.csv").</summary>
        string Description => GetType().Name;

        /// <summary>Loads the training set and, if there is one, the test set, shaped for <paramref name="network"/>.</summary>
        TrainingData Load(NetworkDescription network, CancellationToken cancellationToken);
    }

    /// <summary>A run's data; disposing it releases both sets.</summary>
    public sealed record TrainingData(LabeledData Train, LabeledData? Test) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose()
        {
            Train.Dispose();
            Test?.Dispose();
        }
    }
}
