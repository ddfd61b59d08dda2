using Ibex.Runtime.Distributed;
using Ibex.Runtime.Training;

namespace Ibex.Runtime.Runs
{
    /// <summary>
    /// Watches a <see cref="TrainingRun{TNetwork}"/>: the trainer's events (<see cref="ITrainingObserver"/>: batches, epochs,
    /// checkpoints, early stopping) and the run's own. Every method has an empty default; implement what you need.
    /// In a data-parallel run, <see cref="OnRunStarting"/> is called on every rank, everything else on rank 0 only.
    /// </summary>
    public interface IRunObserver : ITrainingObserver
    {
        /// <summary>Before the first batch: what is trained, on what, and whether it resumes.</summary>
        void OnRunStarting(RunStart start)
        {
        }

        /// <summary>After the pruning stage measured and exported the pruned network.</summary>
        void OnPruned(PruningOutcome outcome)
        {
        }

        /// <summary>At the end of the run, finished or stopped.</summary>
        void OnRunFinished(RunResult result)
        {
        }
    }

    /// <summary>How a run starts.</summary>
    /// <param name="Network">The network's name.</param>
    /// <param name="Device">The device it trains on.</param>
    /// <param name="TrainingExamples">N.</param>
    /// <param name="Beta">β in force.</param>
    /// <param name="Epochs">The epochs it trains for.</param>
    /// <param name="CheckpointDirectory">Where its checkpoints go, or null.</param>
    /// <param name="Resume">The checkpoint it continues, or null when it starts afresh.</param>
    /// <param name="DataParallel">Its ranks, or null when it trains alone.</param>
    public sealed record RunStart(string Network, string Device, long TrainingExamples, double Beta, int Epochs, string? CheckpointDirectory,
        TrainingCheckpoint? Resume, DataParallelGroup? DataParallel)
    {
        /// <summary>The run's fingerprint (<see cref="RunReport.Fingerprint"/>).</summary>
        public string Fingerprint { get; init; } = "";

        /// <summary>The training settings in force.</summary>
        public TrainingSettings? Settings { get; init; }
    }

    /// <summary>How a run ended.</summary>
    public sealed record RunResult
    {
        /// <summary>Training's epochs and whether it finished.</summary>
        public required TrainingOutcome Training { get; init; }

        /// <summary>The report, when every stage ran (on rank 0 of a data-parallel run); null when the run was stopped.</summary>
        public RunReport? Report { get; init; }

        /// <summary>Where the run's checkpoint is, or null without checkpoints.</summary>
        public string? CheckpointPath { get; init; }

        /// <summary>Whether training and every stage after it finished (on every rank of a data-parallel run).</summary>
        public required bool Completed { get; init; }

        /// <summary>Training finished but a stop came before the report: running again writes it without training.</summary>
        public bool ReportPending => Training.Completed && !Completed;
    }
}
