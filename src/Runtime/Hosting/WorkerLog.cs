using System;
using Ibex.Runtime.Native;
using Ibex.Runtime.Runs;
using Ibex.Runtime.Telemetry;
using Ibex.Runtime.Training;
using Microsoft.Extensions.Logging;
using TorchSharp;

namespace Ibex.Runtime.Hosting
{
    /// <summary>The worker's view of a run: one log line per step, and each epoch's metrics on the <c>Ibex.Training</c> meter.</summary>
    internal sealed class WorkerLog(ILogger logger, TrainingMetrics metrics, InformationNetwork network, int batchSize, string reportPath) : IRunObserver
    {
        private int epochs;

        public void OnRunStarting(RunStart start)
        {
            epochs = start.Epochs;
            var parallel = start.DataParallel;
            if (parallel?.IsRoot ?? true)
            {
                if (start.Resume?.Warning is { } warning)
                {
                    Log.CheckpointRecovered(logger, warning);
                }

                if (start.Resume is { } resume)
                {
                    Log.Resuming(logger, resume.Path, resume.Metadata.Epoch, resume.Metadata.NextBatch);
                }
                else if (start.CheckpointDirectory is { } folder)
                {
                    Log.StartingAfresh(logger, folder);
                }

                Log.TrainingStarting(logger, start.Network, start.Device, start.TrainingExamples, start.Beta, start.Epochs);
                Log.CpuThreadsChosen(logger, torch.get_num_threads(), Environment.ProcessorCount, CpuThreads.WaitPolicy);
            }

            if (parallel is not null)
            {
                if (parallel.IsRoot)
                {
                    var (_, first) = DataParallelTraining.Shard(batchSize, 0, parallel.Size);
                    var (_, last) = DataParallelTraining.Shard(batchSize, parallel.Size - 1, parallel.Size);
                    Log.DataParallelStarting(logger, parallel.Size, first == last ? $"{first}" : $"{last}–{first}", batchSize);
                }

                Log.RankJoined(logger, parallel.Rank, parallel.Size, start.Device);
            }
        }

        public void OnTrainingStarted(TrainingStart start)
        {
            foreach (var change in start.Changes)
            {
                Log.SettingChanged(logger, $"{TrainingOptions.SectionName}:{change.Name}", change.Checkpoint, change.Now);
            }
        }

        public void OnEpochCompleted(EpochReport report)
        {
            Log.EpochCompleted(logger, report.Epoch, epochs, report.Loss, Likelihoods.DataTerm.Label(network.Description.Likelihood), report.CrossEntropy, report.InformationPerSample,
                report.TrainAccuracy, report.TestAccuracy, report.Seconds);
            metrics.RecordEpoch(network.Description.Name, report, network.Description.Likelihood);
        }

        public void OnCheckpointWritten(string path, int epoch, long nextBatch) => Log.CheckpointWritten(logger, path, epoch, nextBatch);

        public void OnPruned(PruningOutcome outcome)
            => Log.Pruned(logger, outcome.Report.KeptWeights, outcome.Report.Weights, outcome.Report.CompressionRatio, outcome.Report.KeptNats, outcome.Report.Nats, outcome.TestMeanNetwork);

        public void OnRunFinished(RunResult result)
        {
            if (result.Report is { } report)
            {
                Log.TrainingFinished(logger, report.Final.TestMeanNetwork, report.Final.TestMonteCarlo, report.Final.MonteCarloSamples,
                    report.Final.TrainMeanNetwork, report.InformationPerSample, reportPath);
            }
            else if (!result.Training.Completed && result.CheckpointPath is { } checkpoint)
            {
                Log.TrainingInterrupted(logger, result.Training.StoppedAtEpoch, result.Training.StoppedAtBatch, checkpoint);
            }
            else if (result.ReportPending && result.CheckpointPath is { } pending)
            {
                Log.ReportPending(logger, pending);
            }
        }
    }
}
