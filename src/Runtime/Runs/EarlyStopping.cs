using Ibex.Runtime.Training;

namespace Ibex.Runtime.Runs
{
    /// <summary>
    /// Stops training when the monitored number has not improved by more than <c>minimumImprovement</c> for
    /// <c>patience</c> epochs in a row (Keras's <c>EarlyStopping</c>): the test accuracy of the mean network when the run
    /// has a test set, otherwise the training loss. The run then goes on to its later stages with the weights of the last
    /// epoch; a checkpoint written at the stop lets a later run continue the remaining epochs.
    /// </summary>
    public sealed class EarlyStopping : ITrainingObserver
    {
        private readonly int patience;
        private readonly double minimumImprovement;
        private double best = double.NegativeInfinity;
        private int epochsWithoutImprovement;

        /// <summary>Stops after <paramref name="patience"/> epochs without an improvement larger than <paramref name="minimumImprovement"/>.</summary>
        public EarlyStopping(int patience, double minimumImprovement = 0)
        {
            if (patience < 1)
            {
                throw new System.ArgumentOutOfRangeException(nameof(patience), patience, "Patience is a number of epochs: use 1 or more.");
            }

            if (!(minimumImprovement >= 0))
            {
                throw new System.ArgumentOutOfRangeException(nameof(minimumImprovement), minimumImprovement, "The minimum improvement must be 0 or more.");
            }

            this.patience = patience;
            this.minimumImprovement = minimumImprovement;
        }

        /// <summary>The epoch with the best monitored number so far (0 before the first epoch).</summary>
        public int BestEpoch { get; private set; }

        /// <inheritdoc/>
        public bool StopRequested => epochsWithoutImprovement >= patience;

        /// <inheritdoc/>
        public void OnEpochCompleted(EpochReport report)
        {
            // Higher is better: the test accuracy, or the negated training loss.
            double monitored = double.IsNaN(report.TestAccuracy) ? -report.Loss : report.TestAccuracy;
            if (monitored > best + minimumImprovement)
            {
                best = monitored;
                BestEpoch = report.Epoch;
                epochsWithoutImprovement = 0;
            }
            else
            {
                epochsWithoutImprovement++;
            }
        }
    }
}
