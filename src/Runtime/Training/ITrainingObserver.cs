using System.Collections.Generic;
namespace Ibex.Runtime.Training
{
    /// <summary>Watches a training run: progress displays, metrics and tests implement the parts they need.</summary>
    public interface ITrainingObserver
    {
        /// <summary>Called once before the first batch, with where the run starts.</summary>
        void OnTrainingStarted(TrainingStart start)
        {
        }

        /// <summary>Called after every optimizer step.</summary>
        void OnBatchCompleted(BatchProgress progress)
        {
        }

        /// <summary>Called after every epoch, evaluation included.</summary>
        void OnEpochCompleted(EpochReport report)
        {
        }

        /// <summary>Called after a checkpoint was written.</summary>
        void OnCheckpointWritten(string path, int epoch, long nextBatch)
        {
        }

        /// <summary>
        /// Asked after every epoch: true ends training there, as finished, after the epoch's checkpoint (see
        /// <see cref="Runs.EarlyStopping"/>). A later run from that checkpoint trains the remaining epochs.
        /// </summary>
        bool StopRequested => false;
    }

    /// <summary>Where a run starts.</summary>
    /// <param name="Epochs">Total epochs of the run.</param>
    /// <param name="BatchesPerEpoch">Optimizer steps per epoch.</param>
    /// <param name="FirstEpoch">The epoch it starts in (after 1 when resuming).</param>
    /// <param name="FirstBatch">The batch it starts at within that epoch (0-based).</param>
    /// <param name="TrainingExamples">N, the training-set size.</param>
    public sealed record TrainingStart(int Epochs, long BatchesPerEpoch, int FirstEpoch, long FirstBatch, long TrainingExamples)
    {
        /// <summary>On a resume with <see cref="ResumePolicy.AllowChanges"/>: the settings that differ from the checkpoint's, now in force.</summary>
        public IReadOnlyList<SettingChange> Changes { get; init; } = System.Array.Empty<SettingChange>();

        /// <summary>The network's likelihood: what its loss's data term (<see cref="BatchProgress.CrossEntropy"/>) is called (<see cref="Likelihoods.DataTerm"/>).</summary>
        public Dsl.Likelihood Likelihood { get; init; }
    }

    /// <summary>One finished optimizer step.</summary>
    /// <param name="Epoch">1-based epoch.</param>
    /// <param name="Batch">1-based batch within the epoch.</param>
    /// <param name="BatchesPerEpoch">Batches in an epoch.</param>
    /// <param name="Loss">This batch's loss.</param>
    /// <param name="ExamplesPerSecond">Throughput of the epoch so far.</param>
    /// <param name="EpochSecondsRemaining">Estimated time to the end of the epoch, at that throughput.</param>
    public sealed record BatchProgress(int Epoch, long Batch, long BatchesPerEpoch, double Loss, double ExamplesPerSecond, double EpochSecondsRemaining)
    {
        /// <summary>This batch's cross-entropy; <see cref="Loss"/> minus it is the information term, (β/N)·Ĩ. NaN when not recorded.</summary>
        public double CrossEntropy { get; init; } = double.NaN;
    }
}
