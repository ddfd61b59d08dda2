using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Compression;
using Ibex.Runtime.Data;
using Ibex.Runtime.Export;
using Ibex.Runtime.IO;
using Ibex.Runtime.Reports;
using Ibex.Runtime.Training;
using TorchSharp;

namespace Ibex.Runtime.Runs
{
    /// <summary>
    /// One run from start to report: train (with checkpoints and resume when <see cref="TrainingRunOptions.CheckpointDirectory"/> is
    /// set), then save the network, evaluate the mean network and the Monte-Carlo predictive, export ONNX, prune and write
    /// <c>report.json</c>, as <see cref="TrainingRunOptions"/> ask. Observers see every step (<see cref="IRunObserver"/>) and can stop
    /// training early (<see cref="EarlyStopping"/>). A stop request (<see cref="Run"/>'s token) checkpoints and returns a
    /// result that is not <see cref="RunResult.Completed"/>; running again with the same folders continues.
    /// </summary>
    /// <typeparam name="TNetwork">A generated network.</typeparam>
    /// <example>
    /// <code>
    /// using var run = new TrainingRun&lt;FashionMlp&gt;(network, new TrainingRunOptions { Training = new() { Epochs = 20 }, OutputDirectory = "runs/mlp", ExportOnnx = true },
    ///     new EarlyStopping(patience: 3));
    /// RunResult result = run.Run(train, test);
    /// </code>
    /// </example>
    public sealed class TrainingRun<TNetwork> : IDisposable
        where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
    {
        private readonly TNetwork network;
        private readonly TrainingRunOptions options;
        private readonly InformationTrainer trainer;
        private readonly RunObservers observers;
        private RunFolders? folders;

        /// <summary>A run of <paramref name="network"/> (trained in place) as <paramref name="options"/> say, watched by <paramref name="observers"/>.</summary>
        public TrainingRun(TNetwork network, TrainingRunOptions options, IEnumerable<ITrainingObserver> observers)
        {
            this.network = network ?? throw new ArgumentNullException(nameof(network));
            this.options = options ?? throw new ArgumentNullException(nameof(options));
            options.Validate();
            trainer = new InformationTrainer(network, options.Training);
            var watching = (observers ?? Array.Empty<ITrainingObserver>()).ToList();
            if (options.TensorBoard is { } tensorBoard)
            {
                watching.Add(new TensorBoardObserver(network, tensorBoard));
            }

            this.observers = new RunObservers(watching.ToArray());
        }

        /// <inheritdoc cref="TrainingRun{TNetwork}(TNetwork, TrainingRunOptions, IEnumerable{ITrainingObserver})"/>
        public TrainingRun(TNetwork network, TrainingRunOptions options, params ITrainingObserver[] observers)
            : this(network, options, (IEnumerable<ITrainingObserver>)observers)
        {
        }

        /// <summary>β in force: the settings' override, or the network's declared β.</summary>
        public double Beta => trainer.Beta;

        /// <summary>
        /// Checks that the output folder can be written, locks the checkpoint folder and loads the checkpoint to resume
        /// from, throwing what stands in the way (a folder in use or unusable, a damaged or mismatched checkpoint). <see cref="Run"/>
        /// does it first; call it before loading a large data set to fail fast. The lock holds until <see cref="Dispose"/>.
        /// </summary>
        public void OpenFolders() => folders ??= RunFolders.Open(options, network);

        /// <summary>Releases the checkpoint folder's lock.</summary>
        public void Dispose()
        {
            folders?.Dispose();
            folders = null;
            keptForTraining?.Dispose();
            keptForTraining = null;
        }

        /// <summary>Runs every stage on <paramref name="train"/> (N = its size), measuring on <paramref name="test"/> when given.</summary>
        public RunResult Run(ITrainingSet train, LabeledData? test = null, CancellationToken cancellationToken = default)
        {
            var parallel = options.Training.DataParallel;
            bool root = parallel?.IsRoot ?? true;
            OpenFolders();
            var folders = this.folders!;
            if (options.WarmStart is { } warmStart && folders.Resume is null)
            {
                NetworkFile.Load(network, warmStart);
            }

            using var heldOut = HoldOut(ref train);
            var identity = RunIdentity.Of(options.Training, network.Description, train.Count, Beta);
            using var span = TrainingActivities.Start(TrainingActivities.RunSpan, identity);
            observers.OnRunStarting(new RunStart(network.Description.Name, network.Device.ToString(), train.Count, Beta, options.Training.Epochs,
                folders.Store?.Directory, folders.Resume, parallel) { Fingerprint = identity.Fingerprint, Settings = options.Training });

            var outcome = trainer.Run(train, test, observers, folders.Store, folders.Resume, cancellationToken);
            RunReport? report = null;
            bool completed = outcome.Completed;
            if (completed)
            {
                report = root ? Finish(train, test, heldOut, outcome, identity, cancellationToken) : null;
                completed = root ? report is not null : true;
                if (parallel is not null)
                {
                    // The other ranks wait for rank 0's evaluation and report under the watchdog: a rank 0 that dies there ends the job.
                    completed = !parallel.Any(!completed, "rank 0's final evaluation and report");
                }
            }

            var result = new RunResult { Training = outcome, Report = report, CheckpointPath = folders.Store?.FilePath, Completed = completed };
            if (root)
            {
                observers.OnRunFinished(result);
            }

            return result;
        }

        /// <summary>
        /// With <see cref="TrainingRunOptions.Calibration"/>: the last examples of the in-memory training set, for the caller to
        /// calibrate on and dispose, and <paramref name="train"/> becomes the rest (the run disposes it). Otherwise null, and
        /// <paramref name="train"/> is left as it is.
        /// </summary>
        private LabeledData? HoldOut(ref ITrainingSet train)
        {
            if (options.Calibration is not { } calibration)
            {
                return null;
            }

            RunCalibrationStage.Check(calibration);
            if (train is not LabeledData data)
            {
                throw new ArgumentException("Calibration holds out the last training examples, so it needs the training set in memory (LabeledData), not streamed.", nameof(train));
            }

            long count = (long)Math.Round(data.Count * calibration.HeldOutFraction);
            if (count < 1 || count >= data.Count)
            {
                throw new ArgumentException($"A held-out fraction of {calibration.HeldOutFraction} of {data.Count} training examples leaves {count} to calibrate on; give a larger fraction or more data.", nameof(train));
            }

            // Views, not copies: a 55,000-image set would otherwise be held twice for the whole run.
            keptForTraining?.Dispose();
            keptForTraining = data.View(0, data.Count - count);
            train = keptForTraining;
            return data.View(data.Count - count, count);
        }

        /// <summary>The training examples left after holding some out for calibration; disposed with the run.</summary>
        private LabeledData? keptForTraining;

        /// <summary>Every stage after training; null when a stop request came first (the checkpoint holds the finished run).</summary>
        private RunReport? Finish(ITrainingSet train, LabeledData? test, LabeledData? heldOut, TrainingOutcome outcome, RunIdentity identity, CancellationToken cancellationToken)
        {
            var calibration = heldOut is null ? null : RunCalibrationStage.Calibrate(network, heldOut, test, options.Calibration!, options.MonteCarloSamples, cancellationToken);
            string? output = options.OutputDirectory is { } o ? Path.GetFullPath(o) : null;
            string? networkPath = null;
            if (output is not null)
            {
                Directory.CreateDirectory(output);
                networkPath = Path.Combine(output, RunFiles.Network);
                NetworkFile.Save(network, networkPath);
            }

            FinalAccuracy? final;
            using (TrainingActivities.Start(TrainingActivities.EvaluationSpan, identity))
            {
                final = cancellationToken.IsCancellationRequested ? null : FinalEvaluation.Measure(network, train, test, options, cancellationToken);
            }

            if (final is null)
            {
                return null;
            }

            double information;
            using (torch.no_grad())
            {
                using var total = network.Information();
                information = total.to(torch.float64).item<double>();
            }

            string? onnxPath = null;
            if (options.ExportOnnx)
            {
                onnxPath = Path.Combine(output!, RunFiles.Onnx);
                using var exportSpan = TrainingActivities.Start(TrainingActivities.ExportSpan, identity);
                OnnxExport.Save(MeanGraph.Of(network), onnxPath, new OnnxExportOptions { TrainingSetSize = train.Count, Metadata = OnnxPredictionMetadata.Of(network) });
            }

            var report = new RunReport
            {
                Network = network.Description.Name,
                Likelihood = network.Description.Likelihood,
                DeclarationHash = network.Description.DeclarationHash,
                Device = network.Device.ToString(),
                DataSource = options.DataDescription,
                Settings = options.Training,
                Beta = Beta,
                TrainingExamples = train.Count,
                Segments = outcome.Segments,
                Epochs = outcome.Reports,
                Fingerprint = identity.Fingerprint,
                Layers = LayerInformation.Measure(network),
                LogAlpha = LogAlphaHistogram.Measure(network).Select(h => h with { PruningThreshold = options.Prune?.Pruning.LogAlphaThreshold ?? PruningThresholds.For(h.Noise) }).ToArray(),
                InformationNats = information,
                InformationPerSample = information / train.Count,
                Final = final,
                NetworkFile = networkPath,
                OnnxFile = onnxPath,
                Calibration = calibration,
                Pruning = options.Prune is { } prune ? Prune(prune, train, test, output, identity) : null,
            };
            if (output is not null)
            {
                AtomicFile.WriteAllBytes(Path.Combine(output, RunFiles.Report), JsonSerializer.SerializeToUtf8Bytes(report, ReportJsonContext.Default.RunReport));
                if (options.HtmlReport)
                {
                    AtomicFile.WriteAllBytes(Path.Combine(output, RunFiles.ReportPage), System.Text.Encoding.UTF8.GetBytes(RunReportPage.Render(report)));
                }
            }

            return report;
        }

        /// <summary>
        /// Prunes a copy of the trained network (the saved network keeps every weight), fine-tunes it with the pruned weights
        /// held at 0 when asked, measures it and exports the pruned graph.
        /// </summary>
        private PruningOutcome Prune(RunPruning prune, ITrainingSet train, LabeledData? test, string? output, RunIdentity identity)
        {
            using var span = TrainingActivities.Start(TrainingActivities.PruningSpan, identity);
            using var copy = TNetwork.Create(network.Device);
            copy.load_state_dict(network.state_dict());
            var masks = NetworkPruner.ApplyMask(copy, prune.Pruning);
            try
            {
                if (prune.FineTuneEpochs > 0)
                {
                    // Rank 0 alone, after the data-parallel run: the fine-tune trains on the whole set in this process.
                    var fineTuning = options.Training with { Epochs = prune.FineTuneEpochs, WeightMasks = masks, Schedule = LearningRateSchedule.Constant, DataParallel = null };
                    new InformationTrainer(copy, fineTuning).Fit(train);
                }
            }
            finally
            {
                foreach (var mask in masks.Values)
                {
                    mask.Dispose();
                }
            }

            // Pruned again after fine-tuning, which may have lifted more log α past the threshold: the report and the
            // accuracies below describe the exported graph, so the copy gets its mask again before it is measured.
            var pruned = NetworkPruner.Prune(copy, prune.Pruning);
            foreach (var mask in NetworkPruner.ApplyMask(copy, prune.Pruning).Values)
            {
                mask.Dispose();
            }

            string? onnxPath = null;
            if (output is not null)
            {
                onnxPath = Path.Combine(output, RunFiles.PrunedOnnx);
                using var exportSpan = TrainingActivities.Start(TrainingActivities.ExportSpan, identity);
                OnnxExport.Save(pruned.Graph, onnxPath, new OnnxExportOptions { Initializers = prune.Initializers, TrainingSetSize = train.Count, Metadata = OnnxPredictionMetadata.Of(network) });
            }

            var (trainAccuracy, testAccuracy) = FinalEvaluation.MeanNetwork(copy, train, test, options.Training.EvaluationBatchSize);
            var outcome = new PruningOutcome(pruned.Report, prune.FineTuneEpochs, testAccuracy, trainAccuracy, onnxPath);
            observers.OnPruned(outcome);
            return outcome;
        }
    }
}
