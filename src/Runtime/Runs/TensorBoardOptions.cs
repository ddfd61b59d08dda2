using System;

namespace Ibex.Runtime.Runs
{
    /// <summary>TensorBoard event files for a run (<see cref="TrainingRunOptions.TensorBoard"/>).</summary>
    public sealed record TensorBoardOptions
    {
        /// <summary>The folder the event files go to (TensorBoard's <c>--logdir</c>, or a folder under it); created when missing.</summary>
        public required string Directory { get; init; }

        /// <summary>Every how many epochs the log α histograms are written; the first and the last epoch always are.</summary>
        public int HistogramIntervalEpochs { get; init; } = 5;

        /// <summary>Throws <see cref="ArgumentException"/> naming the first option that cannot work.</summary>
        public void Validate()
        {
            if (string.IsNullOrWhiteSpace(Directory))
            {
                throw new ArgumentException("TensorBoard.Directory is empty: name the folder the event files go to, such as runs/tensorboard.", nameof(Directory));
            }

            if (HistogramIntervalEpochs < 1)
            {
                throw new ArgumentException($"TensorBoard.HistogramIntervalEpochs = {HistogramIntervalEpochs}: use 1 (every epoch) or more.", nameof(HistogramIntervalEpochs));
            }
        }
    }
}
