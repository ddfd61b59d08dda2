using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ibex.Runtime.Checkpoints;
using Ibex.Runtime.Data;
using Ibex.Runtime.Distributed;
using Ibex.Runtime.Prediction;
using Ibex.Runtime.Reports;
using Ibex.Runtime.Telemetry;
using Ibex.Runtime.Training;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TorchSharp;

namespace Ibex.Runtime.Hosting
{
    /// <summary>
    /// Trains <typeparamref name="TNetwork"/> once, as configured by <see cref="TrainingOptions"/>, then writes
    /// <c>report.json</c> and the trained network to the output folder and stops the host (exit code 0). When the host is
    /// stopped (Ctrl+C, SIGTERM) it finishes the current batch (or chunk of the final evaluation), writes a checkpoint and
    /// exits with <see cref="StoppedExitCode"/>; the next run resumes from it. A refusal at start (options, folders, device,
    /// resume) exits with 2, a failure with 1, each logged in one line.
    /// <para>Started by an MPI launcher as several processes (<c>mpiexec -n K</c>, <c>srun --mpi=pmi2</c>), it trains
    /// data-parallel (<see cref="DataParallelOptions"/>): rank 0 takes the folder lock, loads or starts the checkpoint and
    /// sends it to the others, and alone logs progress and writes checkpoints, the network and the report; a refusal on rank 0
    /// stops every rank.</para>
    /// </summary>
    /// <typeparam name="TNetwork">A generated network.</typeparam>
    public sealed class TrainingWorker<TNetwork>(
        IOptions<TrainingOptions> options,
        ITrainingDataSource dataSource,
        IEnumerable<ITrainingObserver> observers,
        TrainingMetrics metrics,
        IHostApplicationLifetime lifetime,
        ILogger<TrainingWorker<TNetwork>> logger) : BackgroundService
        where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
    {
        /// <summary>The name of the run report in the output folder.</summary>
        public const string ReportFileName = "report.json";

        /// <summary>
        /// The exit code of a run stopped before its end (Ctrl+C, SIGTERM) with everything checkpointed: starting it again
        /// continues it. 0 is a finished run, 1 a failure, 2 a refusal at start (options, folders, device, resume).
        /// </summary>
        public const int StoppedExitCode = 3;

        /// <summary>The name of the trained network in the output folder.</summary>
        public const string NetworkFileName = "network.ibexnet";

        /// <summary>The name of the mean network exported as ONNX (<c>Ibex:Training:ExportOnnx</c>).</summary>
        public const string OnnxFileName = "network.onnx";

        /// <summary>The name of the pruned mean network exported as ONNX (<c>Ibex:Training:Prune</c>).</summary>
        public const string PrunedOnnxFileName = "network.pruned.onnx";

        /// <inheritdoc/>
        public override Task StartAsync(CancellationToken cancellationToken)
        {
            // Until the run finishes or is refused, the process has stopped short: a stop at any moment exits with 3, never 0.
            // Set here, not in ExecuteAsync: BackgroundService starts ExecuteAsync through Task.Run with the stopping token,
            // and a stop that comes before the thread pool runs it cancels it unrun.
            Environment.ExitCode = StoppedExitCode;
            return base.StartAsync(cancellationToken);
        }

        /// <inheritdoc/>
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            // Training is synchronous TorchSharp work; keep the whole run on this one background thread (dispose scopes and
            // grad mode are thread-local).
            await Task.Yield();

            // Stop as soon as the application starts stopping (Ctrl+C, SIGTERM, StopApplication), not only when the host
            // gets round to cancelling this service: that leaves the whole shutdown timeout for the checkpoint.
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
            try
            {
                bool completed = Train(stopping.Token);
                // Every rank got here (a failed one ends the job instead): MPI_Finalize is collective.
                parallel?.Dispose();
                Environment.ExitCode = completed ? 0 : StoppedExitCode;
                if (completed)
                {
                    lifetime.StopApplication();
                }
            }
            catch (Exception e) when (e is IO.FolderInUseException or IO.FolderUnusableException or DeviceUnavailableException)
            {
                Log.TrainingRejected(logger, e.Message);
                Environment.ExitCode = 2;
                lifetime.StopApplication();
            }
            catch (ResumeMismatchException e)
            {
                Log.ResumeRefused(logger, e.Path, string.Join("; ", e.Differences.Select(d => $"{TrainingOptions.SectionName}:{d}")), e.Advice);
                Environment.ExitCode = 2;
                lifetime.StopApplication();
            }
            catch (Exception e) when (e is DatasetException or CheckpointException or TorchNativeLoadException or TrainingDivergedException or IO.FileWriteException or DataParallelException)
            {
                // A problem with the data, a checkpoint, the native libraries or the run itself: the message says what to
                // do, and a stack trace would only bury it.
                Log.TrainingRejected(logger, e.Message);
                Environment.ExitCode = 1;
                lifetime.StopApplication();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Stopped while loading the data, before training started: nothing to checkpoint yet.
                Log.StoppedBeforeTraining(logger);
                Environment.ExitCode = StoppedExitCode;
            }
            catch (Exception e)
            {
                // On .NET 10 a faulted BackgroundService still lets the host exit with 0; a training job must not.
                Log.TrainingFailed(logger, e, e.Message);
                Environment.ExitCode = 1;
                lifetime.StopApplication();
            }
        }

        /// <summary>The ranks of a data-parallel run (null when training alone).</summary>
        private DataParallelGroup? parallel;

        private bool Train(CancellationToken stoppingToken)
        {
            var configured = options.Value;
            parallel = JoinDataParallel(configured.DataParallel);
            var settings = configured.ToSettings() with { DataParallel = parallel }; // validated by InformationTrainer's constructor
            if (dataSource is not OptionsTrainingDataSource)
            {
                // A custom source is not described by the data options: its own description defines the data instead.
                settings = settings with { DataFingerprint = new Dictionary<string, string> { ["Description"] = dataSource.Description } };
            }

            if (configured.LibTorchPath is { Length: > 0 } libTorch && TorchNative.ExternalLibTorch is null)
            {
                TorchNative.UseLibTorch(libTorch, configured.AllowLibTorchVersionMismatch);
            }

            TorchNative.EnsureLoaded();
            if (parallel is { LocalSize: > 1 } && Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is null)
            {
                // The machine's cores shared among its ranks, unless the launch says otherwise.
                torch.set_num_threads(Math.Max(1, Environment.ProcessorCount / parallel.LocalSize));
            }

            torch.Device device;
            try
            {
                device = TorchDevices.Resolve(configured.Device);
                if (parallel is not null && device.type == DeviceType.CUDA && !configured.Device.Contains(':', StringComparison.Ordinal))
                {
                    // One GPU per rank on a machine: the launcher's local rank picks it.
                    device = torch.device(DeviceType.CUDA, parallel.LocalRank % Math.Max(1, torch.cuda.device_count()));
                }
            }
            catch (InvalidOperationException e)
            {
                throw new DeviceUnavailableException($"{TrainingOptions.SectionName}:Device = {configured.Device}: {e.Message} Use Device = auto or cpu to train on the CPU.", e);
            }

            TorchDevices.Seed(configured.Seed);

            // One rule for every path a user gives: relative to the working directory the process was started in, as a
            // shell's own commands resolve it (the content root is where appsettings.json is found, which may be the build folder).
            string checkpointDirectory = Path.GetFullPath(configured.CheckpointDirectory);
            string outputDirectory = Path.GetFullPath(configured.OutputDirectory);
            using var network = TNetwork.Create(device);
            bool root = parallel?.IsRoot ?? true;
            IO.FolderLock? folderLock = null;
            CheckpointStore? store = null;
            TrainingCheckpoint? resume = null;
            try
            {
                Exception? refusal = null;
                if (root)
                {
                    try
                    {
                        (folderLock, store, resume) = OpenCheckpoints(checkpointDirectory, outputDirectory, network);
                    }
                    catch (Exception e) when (parallel is not null)
                    {
                        refusal = e;
                    }
                }

                if (parallel is not null)
                {
                    resume = ShareCheckpoint(parallel, network, refusal, resume);
                }

                using var data = dataSource.Load(network.Description, stoppingToken);
                var trainer = new InformationTrainer(network, settings);
                if (root)
                {
                    Log.TrainingStarting(logger, network.Description.Name, device.ToString(), data.Train.Count, trainer.Beta, settings.Epochs);
                }

                if (parallel is not null)
                {
                    var (_, first) = DataParallelTraining.Shard(settings.BatchSize, 0, parallel.Size);
                    var (_, last) = DataParallelTraining.Shard(settings.BatchSize, parallel.Size - 1, parallel.Size);
                    if (root)
                    {
                        Log.DataParallelStarting(logger, parallel.Size, first == last ? $"{first}" : $"{last}–{first}", settings.BatchSize);
                    }

                    Log.RankJoined(logger, parallel.Rank, parallel.Size, device.ToString());
                }

                var observer = new HostObserver(logger, metrics, network, data.Train.Count, settings.Epochs, observers.ToArray());
                var outcome = trainer.Run(data.Train, data.Test, observer, store, resume, stoppingToken);
                if (!outcome.Completed)
                {
                    if (root)
                    {
                        Log.TrainingInterrupted(logger, outcome.StoppedAtEpoch, outcome.StoppedAtBatch, store!.FilePath);
                    }

                    return false;
                }

                bool written = !root || WriteResults(configured, outputDirectory, network, trainer.Beta, device, data, outcome, stoppingToken);
                if (parallel is not null)
                {
                    // The other ranks wait for rank 0's evaluation and report under the watchdog: a rank 0 that dies there ends the job.
                    written = !parallel.Any(!written, "rank 0's final evaluation and report");
                }

                if (!written)
                {
                    if (root)
                    {
                        Log.ReportPending(logger, store!.FilePath);
                    }

                    return false;
                }

                return true;
            }
            finally
            {
                folderLock?.Dispose();
            }
        }

        /// <summary>Joins the launcher's processes when <paramref name="options"/> say so (see <see cref="DataParallelMode"/>); null trains alone.</summary>
        private static DataParallelGroup? JoinDataParallel(DataParallelOptions options)
        {
            bool join = options.Mode switch
            {
                DataParallelMode.Off => false,
                DataParallelMode.Mpi => true,
                _ => DataParallelGroup.IsLaunchedAsSeveral,
            };
            return join ? DataParallelGroup.Join(TimeSpan.FromSeconds(options.TimeoutSeconds)) : null;
        }

        /// <summary>Checks both folders, takes the checkpoint folder's lock and loads the latest checkpoint, if any, into <paramref name="network"/>.</summary>
        private (IO.FolderLock Lock, CheckpointStore Store, TrainingCheckpoint? Resume) OpenCheckpoints(string checkpointDirectory, string outputDirectory, TNetwork network)
        {
            IO.FolderProbe.RequireWritable(checkpointDirectory, $"{TrainingOptions.SectionName}:CheckpointDirectory");
            IO.FolderProbe.RequireWritable(outputDirectory, $"{TrainingOptions.SectionName}:OutputDirectory");
            var folderLock = IO.FolderLock.Acquire(checkpointDirectory);
            try
            {
                IO.AtomicFile.RemoveStaleTemporaries(checkpointDirectory, lockedByThisProcess: true);
                IO.AtomicFile.RemoveStaleTemporaries(outputDirectory, lockedByThisProcess: false);
                var store = new CheckpointStore(checkpointDirectory);
                var resume = store.TryLoad(network);
                if (resume?.Warning is { } warning)
                {
                    Log.CheckpointRecovered(logger, warning);
                }

                if (resume is null)
                {
                    Log.StartingAfresh(logger, checkpointDirectory);
                }
                else
                {
                    Log.Resuming(logger, resume.Path, resume.Metadata.Epoch, resume.Metadata.NextBatch);
                }

                return (folderLock, store, resume);
            }
            catch
            {
                folderLock.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Rank 0's start on every rank: its refusal (which stops every rank: rank 0 reports it, the others name it), or the
        /// bytes of the checkpoint it resumes from, which the other ranks load as it did (no shared folder needed).
        /// </summary>
        private static TrainingCheckpoint? ShareCheckpoint(DataParallelGroup group, TNetwork network, Exception? refusal, TrainingCheckpoint? resume)
        {
            bool refused = group.Any(refusal is not null, "rank 0's checks of the checkpoint and output folders");
            if (refusal is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(refusal).Throw();
            }

            if (refused)
            {
                throw new DataParallelException($"Rank {group.Rank} of {group.Size}: rank 0 refused to start the run; its log says why and what to do.");
            }

            byte[] bytes = group.BroadcastBytes(group.IsRoot ? (resume is null ? Array.Empty<byte>() : File.ReadAllBytes(resume.Path)) : null, "the checkpoint from rank 0");
            byte[] path = group.BroadcastBytes(group.IsRoot ? System.Text.Encoding.UTF8.GetBytes(resume?.Path ?? "") : null, "the checkpoint's path from rank 0");
            if (group.IsRoot || bytes.Length == 0)
            {
                return resume;
            }

            return CheckpointStore.Parse(network, bytes, $"{System.Text.Encoding.UTF8.GetString(path)} (from rank 0)");
        }

        /// <summary>
        /// Accuracy of the Monte-Carlo predictive, and its mean predictive entropy and mutual information in nats, through
        /// <see cref="Predictor{TNetwork}"/>: whole weight samples, the network left as it is, memory bounded by chunks. A
        /// stop request is honoured before the next weight sample (null then), whatever S is.
        /// </summary>
        private static (double Accuracy, double Entropy, double MutualInformation)? MonteCarlo(TNetwork network, LabeledData data, int samples, CancellationToken stoppingToken)
        {
            using var predictor = new Predictor<TNetwork>(network);
            using var labels = data.Labels.cpu();
            long[] classes = labels.data<long>().ToArray();
            IReadOnlyList<ClassPrediction> predictions;
            try
            {
                predictions = predictor.PredictBatch(data, samples, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return null;
            }

            long correct = 0;
            double entropy = 0, mutualInformation = 0;
            for (int i = 0; i < predictions.Count; i++)
            {
                correct += predictions[i].Class == classes[i] ? 1 : 0;
                entropy += predictions[i].PredictiveEntropy!.Value;
                mutualInformation += predictions[i].MutualInformation!.Value;
            }

            return (correct / (double)data.Count, entropy / data.Count, mutualInformation / data.Count);
        }

        /// <summary>Saves the network and writes the report; false when a stop request came first (the checkpoint holds the finished run).</summary>
        private bool WriteResults(TrainingOptions configured, string outputDirectory, TNetwork network, double beta, torch.Device device, TrainingData data,
            TrainingOutcome outcome, CancellationToken stoppingToken)
        {
            Directory.CreateDirectory(outputDirectory);
            string networkPath = Path.Combine(outputDirectory, NetworkFileName);
            NetworkFile.Save(network, networkPath);

            if (stoppingToken.IsCancellationRequested)
            {
                return false;
            }

            double trainAccuracy = InformationTrainer.Evaluate(network, data.Train, configured.EvaluationBatchSize);
            double testAccuracy = double.NaN, monteCarloAccuracy = double.NaN, entropy = double.NaN, mutualInformation = double.NaN;
            if (data.Test is not null)
            {
                testAccuracy = InformationTrainer.Evaluate(network, data.Test, configured.EvaluationBatchSize);
                if (MonteCarlo(network, data.Test, configured.MonteCarloSamples, stoppingToken) is not { } monteCarlo)
                {
                    return false;
                }

                (monteCarloAccuracy, entropy, mutualInformation) = monteCarlo;
            }

            if (stoppingToken.IsCancellationRequested)
            {
                return false;
            }

            double information;
            using (torch.no_grad())
            {
                using var total = network.Information();
                information = total.to(torch.float64).item<double>();
            }

            string? onnxPath = null;
            if (configured.ExportOnnx)
            {
                onnxPath = Path.GetFullPath(Path.Combine(outputDirectory, OnnxFileName));
                Export.OnnxExport.Save(network.ToMeanGraph(), onnxPath, new Export.OnnxExportOptions { TrainingSetSize = data.Train.Count });
            }

            var pruning = configured.Prune.Enabled ? Prune(configured, outputDirectory, network, device, data) : null;

            var report = new RunReport
            {
                Network = network.Description.Name,
                DeclarationHash = network.Description.DeclarationHash,
                Device = device.ToString(),
                DataSource = dataSource.Description,
                Options = configured,
                Beta = beta,
                TrainingExamples = data.Train.Count,
                Segments = outcome.Segments,
                Epochs = outcome.Reports,
                Layers = LayerInformation.Measure(network),
                InformationNats = information,
                InformationPerSample = information / data.Train.Count,
                Final = new FinalAccuracy(trainAccuracy, testAccuracy, monteCarloAccuracy, configured.MonteCarloSamples, entropy, mutualInformation),
                NetworkFile = Path.GetFullPath(networkPath),
                OnnxFile = onnxPath,
                Pruning = pruning,
            };
            string reportPath = Path.Combine(outputDirectory, ReportFileName);
            IO.AtomicFile.WriteAllBytes(reportPath, JsonSerializer.SerializeToUtf8Bytes(report, ReportJsonContext.Default.RunReport));
            Log.TrainingFinished(logger, testAccuracy, monteCarloAccuracy, configured.MonteCarloSamples, trainAccuracy, report.InformationPerSample, Path.GetFullPath(reportPath));
            return true;
        }

        /// <summary>
        /// Prunes the trained network (<c>Ibex:Training:Prune</c>): the report of what was kept, the accuracy of the mean
        /// network with the pruned weights at 0 (measured on a copy; the saved network keeps every weight), and
        /// <c>network.pruned.onnx</c>.
        /// </summary>
        private PruningOutcome Prune(TrainingOptions configured, string outputDirectory, TNetwork network, torch.Device device, TrainingData data)
        {
            var options = new Compression.PruningOptions { LogAlphaThreshold = configured.Prune.LogAlphaThreshold, RemoveUnits = configured.Prune.RemoveUnits };
            using var copy = TNetwork.Create(device);
            copy.load_state_dict(network.state_dict());
            var masks = Compression.NetworkPruner.ApplyMask(copy, options);
            try
            {
                if (configured.Prune.FineTuneEpochs > 0)
                {
                    var fineTuning = configured.ToSettings() with { Epochs = configured.Prune.FineTuneEpochs, WeightMasks = masks, Schedule = LearningRateSchedule.Constant };
                    new InformationTrainer(copy, fineTuning).Fit(data.Train);
                }
            }
            finally
            {
                foreach (var mask in masks.Values)
                {
                    mask.Dispose();
                }
            }

            // Pruned again after fine-tuning: the pruned weights are still 0, and the report describes the exported graph.
            var pruned = Compression.NetworkPruner.Prune(copy, options);
            string onnxPath = Path.GetFullPath(Path.Combine(outputDirectory, PrunedOnnxFileName));
            Export.OnnxExport.Save(pruned.Graph, onnxPath, new Export.OnnxExportOptions { Initializers = configured.Prune.Initializers, TrainingSetSize = data.Train.Count });

            double train = InformationTrainer.Evaluate(copy, data.Train, configured.EvaluationBatchSize);
            double test = data.Test is null ? double.NaN : InformationTrainer.Evaluate(copy, data.Test, configured.EvaluationBatchSize);
            Log.Pruned(logger, pruned.Report.KeptWeights, pruned.Report.Weights, pruned.Report.CompressionRatio, pruned.Report.KeptNats, pruned.Report.Nats, test);
            return new PruningOutcome(pruned.Report, configured.Prune.FineTuneEpochs, test, train, onnxPath);
        }

        /// <summary>Fans the trainer's events out to the log, the metrics and the registered observers.</summary>
        private sealed class HostObserver(ILogger logger, TrainingMetrics metrics, TNetwork network, long trainingExamples, int epochs, ITrainingObserver[] observers)
            : ITrainingObserver
        {
            public void OnTrainingStarted(TrainingStart start)
            {
                foreach (var change in start.Changes)
                {
                    Log.SettingChanged(logger, $"{TrainingOptions.SectionName}:{change.Name}", change.Checkpoint, change.Now);
                }

                foreach (var observer in observers)
                {
                    observer.OnTrainingStarted(start);
                }
            }

            public void OnBatchCompleted(BatchProgress progress)
            {
                foreach (var observer in observers)
                {
                    observer.OnBatchCompleted(progress);
                }
            }

            public void OnEpochCompleted(EpochReport report)
            {
                Log.EpochCompleted(logger, report.Epoch, epochs, report.Loss, report.CrossEntropy, report.InformationPerSample,
                    report.TrainAccuracy, report.TestAccuracy, report.Seconds);
                metrics.RecordEpoch(network.Description.Name, report, trainingExamples, LayerInformation.Measure(network));
                foreach (var observer in observers)
                {
                    observer.OnEpochCompleted(report);
                }
            }

            public void OnCheckpointWritten(string path, int epoch, long nextBatch)
            {
                Log.CheckpointWritten(logger, path, epoch, nextBatch);
                foreach (var observer in observers)
                {
                    observer.OnCheckpointWritten(path, epoch, nextBatch);
                }
            }
        }
    }
}
