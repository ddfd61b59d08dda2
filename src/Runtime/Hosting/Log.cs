using System;
using Microsoft.Extensions.Logging;

namespace Ibex.Runtime.Hosting
{
    /// <summary>The hosted trainer's log messages (event IDs 100–199).</summary>
    internal static partial class Log
    {
        [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Training {Network} on {Device}: {TrainingExamples} training examples, β = {Beta}, {Epochs} epochs")]
        public static partial void TrainingStarting(ILogger logger, string network, string device, long trainingExamples, double beta, int epochs);

        [LoggerMessage(EventId = 114, Level = LogLevel.Information, Message = "CPU: {Threads} torch thread(s) on {Processors} processor(s); OpenMP's wait: {WaitPolicy}")]
        public static partial void CpuThreadsChosen(ILogger logger, int threads, int processors, string waitPolicy);

        [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "Checkpoint folder {Folder} holds no checkpoint: starting afresh")]
        public static partial void StartingAfresh(ILogger logger, string folder);

        [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Resuming from {Checkpoint} at epoch {Epoch}, batch {Batch}")]
        public static partial void Resuming(ILogger logger, string checkpoint, int epoch, long batch);

        [LoggerMessage(EventId = 102, Level = LogLevel.Information,
            Message = "Epoch {Epoch}/{Epochs}: loss {Loss:F4}, {DataTerm} {CrossEntropy:F4} nats, Ĩ(w;D)/N {InformationPerSample:F4} nats/sample, train accuracy {TrainAccuracy:F4}, test accuracy {TestAccuracy:F4}, {Seconds:F1} s")]
        public static partial void EpochCompleted(ILogger logger, int epoch, int epochs, double loss, string dataTerm, double crossEntropy, double informationPerSample, double trainAccuracy, double testAccuracy, double seconds);

        [LoggerMessage(EventId = 103, Level = LogLevel.Debug, Message = "Checkpoint written to {Path} (resumes at epoch {Epoch}, batch {Batch})")]
        public static partial void CheckpointWritten(ILogger logger, string path, int epoch, long batch);

        [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Training stopped at epoch {Epoch}, batch {Batch}; checkpoint {Path} holds the run: start it again to resume")]
        public static partial void TrainingInterrupted(ILogger logger, int epoch, long batch, string path);

        [LoggerMessage(EventId = 105, Level = LogLevel.Information,
            Message = "Finished: test accuracy {TestAccuracy:F4} (mean network), {MonteCarloAccuracy:F4} (Monte-Carlo, S = {Samples}), train accuracy {TrainAccuracy:F4}, Ĩ(w;D)/N {InformationPerSample:F4} nats/sample; report {Report}")]
        public static partial void TrainingFinished(ILogger logger, double testAccuracy, double monteCarloAccuracy, int samples, double trainAccuracy, double informationPerSample, string report);

        [LoggerMessage(EventId = 120, Level = LogLevel.Information,
            Message = "Pruned: {KeptWeights} of {Weights} stochastic weights kept ({Ratio:F1}× fewer), holding {KeptNats:F1} of {Nats:F1} nats; pruned mean network test accuracy {TestAccuracy:F4}")]
        public static partial void Pruned(ILogger logger, long keptWeights, long weights, double ratio, double keptNats, double nats, double testAccuracy);

        [LoggerMessage(EventId = 108, Level = LogLevel.Warning, Message = "{Warning}")]
        public static partial void CheckpointRecovered(ILogger logger, string warning);

        [LoggerMessage(EventId = 109, Level = LogLevel.Critical, Message = "Resume refused: {Checkpoint} was written with other settings: {Differences}. {Advice}")]
        public static partial void ResumeRefused(ILogger logger, string checkpoint, string differences, string advice);

        [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "Resuming with a changed setting (Resume = AllowChanges): {Setting} was {Checkpoint}, now {Now}")]
        public static partial void SettingChanged(ILogger logger, string setting, string checkpoint, string now);

        [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "Stopped after training finished, before the report was written; {Checkpoint} holds the finished run: start it again to write the report (no training is repeated)")]
        public static partial void ReportPending(ILogger logger, string checkpoint);

        [LoggerMessage(EventId = 113, Level = LogLevel.Warning, Message = "Stopped before training started; nothing was lost: start again to run")]
        public static partial void StoppedBeforeTraining(ILogger logger);

        [LoggerMessage(EventId = 106, Level = LogLevel.Critical, Message = "Training failed: {Reason}")]
        public static partial void TrainingFailed(ILogger logger, Exception exception, string reason);

        [LoggerMessage(EventId = 107, Level = LogLevel.Critical, Message = "Training cannot go on: {Reason}")]
        public static partial void TrainingRejected(ILogger logger, string reason);

        [LoggerMessage(EventId = 130, Level = LogLevel.Information, Message = "Training data-parallel over {Ranks} processes (MPI): rank 0 writes checkpoints and reports; each rank takes {Share} examples of every batch of {BatchSize}")]
        public static partial void DataParallelStarting(ILogger logger, int ranks, string share, int batchSize);

        [LoggerMessage(EventId = 131, Level = LogLevel.Debug, Message = "Rank {Rank} of {Ranks} joined the data-parallel run on {Device}")]
        public static partial void RankJoined(ILogger logger, int rank, int ranks, string device);

        [LoggerMessage(EventId = 150, Level = LogLevel.Information, Message = "Run finished; serving /metrics for {Seconds} s more so that Prometheus scrapes the last epoch (Ibex:Training:Telemetry:Prometheus:KeepServingSeconds)")]
        public static partial void KeepingMetricsEndpoint(ILogger logger, int seconds);

        [LoggerMessage(EventId = 140, Level = LogLevel.Warning, Message = "Ibex:Training:Data:TrainSize = {TrainSize}, but {Path} holds {Examples} training examples: training on all {Examples}")]
        public static partial void TrainSizeBeyondData(ILogger logger, int trainSize, string path, long examples);
    }
}
