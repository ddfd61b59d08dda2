using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using Ibex.Runtime.Checkpoints;
using Ibex.Runtime.Data;
using Ibex.Runtime.Distributed;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ibex.Runtime.Training
{
    /// <summary>
    /// Trains a generated network on the Information Bottleneck Lagrangian for the weights,
    /// <c>loss = mean cross-entropy + (β / N)·Ĩ(w;D)</c>, N the training-set size (Achille &amp; Soatto, JMLR 2018, eq. 3,
    /// divided by N as the Information Dropout reference code does). With a <see cref="CheckpointStore"/> it writes
    /// checkpoints at the configured interval and when cancelled, and resumes from one exactly: on the CPU a resumed run
    /// ends with the same weights as an uninterrupted one.
    /// <para>With <see cref="TrainingSettings.DataParallel"/> (K processes) every rank starts from rank 0's weights, reads the
    /// same shuffled global batches and trains on its share of each (b_r of B examples); the loss of rank r is
    /// <c>(b_r/B)·(CE_r + (β/N)·I_r)</c>, I_r = Ĩ + rank r's Information Dropout KL, so that the sum over the ranks is the
    /// global objective, with Ĩ counted once since Σ_r b_r/B = 1, and the gradients are summed over the ranks before each
    /// step (<see cref="GradientBuckets"/>). Each
    /// rank draws its own noise (<see cref="DataParallelGroup.NoiseSeed"/>); BatchNorm uses each rank's batch statistics,
    /// and the running statistics are averaged over the ranks at every epoch end and checkpoint. Only rank 0 calls the
    /// observer and writes checkpoints, which hold every rank's noise stream.</para>
    /// </summary>
    public sealed class InformationTrainer
    {
        private readonly InformationNetwork network;
        private readonly TrainingSettings settings;

        /// <summary>The ranks this run trains with (<see cref="TrainingSettings.DataParallel"/>), or null when it trains alone.</summary>
        private readonly DataParallelGroup? parallel;

        /// <summary>The weights <see cref="TrainingSettings.WeightMasks"/> covers, with their masks on the weight's device; null without masks.</summary>
        private readonly (torch.Tensor Weight, torch.Tensor Mask)[]? maskedWeights;

        /// <summary>Prepares to train <paramref name="network"/>; throws <see cref="ArgumentException"/> for invalid settings.</summary>
        public InformationTrainer(InformationNetwork network, TrainingSettings settings)
        {
            settings.Validate();
            this.network = network;
            this.settings = settings;
            parallel = settings.DataParallel is { Size: > 1 } group ? group : null;
            if (settings.WeightMasks is { } masks)
            {
                var weights = network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
                maskedWeights = masks.Select(pair =>
                {
                    if (!weights.TryGetValue(pair.Key + ".weight", out var weight))
                    {
                        throw new ArgumentException($"WeightMasks names layer '{pair.Key}', which {network.Description.Name} does not have as a weight layer.", nameof(settings));
                    }

                    if (!pair.Value.shape.SequenceEqual(weight.shape))
                    {
                        throw new ArgumentException($"The mask of layer '{pair.Key}' is shaped [{string.Join(", ", pair.Value.shape)}], its weight [{string.Join(", ", weight.shape)}].", nameof(settings));
                    }

                    return ((torch.Tensor)weight, pair.Value.to(weight.dtype).to(weight.device).DetachFromDisposeScope());
                }).ToArray();
            }
        }

        /// <summary>β in force: the settings' override, else the declared one.</summary>
        public double Beta => settings.Beta ?? network.Description.Information.Beta;

        /// <summary>Trains for <see cref="TrainingSettings.Epochs"/> epochs; see the class remarks.</summary>
        /// <param name="train">The training set; its size is N.</param>
        /// <param name="test">Evaluated with the mean network after every epoch, when given.</param>
        /// <param name="onEpoch">Called after every epoch.</param>
        /// <param name="cancellationToken">Checked before every batch.</param>
        public IReadOnlyList<EpochReport> Fit(ITrainingSet train, LabeledData? test = null, Action<EpochReport>? onEpoch = null,
            CancellationToken cancellationToken = default)
        {
            var observer = onEpoch is null ? null : new EpochCallback(onEpoch);
            return Run(train, test, observer, checkpoints: null, resumeFrom: null, cancellationToken).Reports;
        }

        /// <summary>
        /// Trains, or continues <paramref name="resumeFrom"/>, writing checkpoints to <paramref name="checkpoints"/> every
        /// <see cref="TrainingSettings.CheckpointIntervalEpochs"/> epochs and when <paramref name="cancellationToken"/> stops
        /// the run between two batches. Throws <see cref="TrainingDivergedException"/> on a non-finite loss, before that batch
        /// changes the weights; the last checkpoint is then left as it was.
        /// </summary>
        public TrainingOutcome Run(ITrainingSet train, LabeledData? test, ITrainingObserver? observer, CheckpointStore? checkpoints,
            TrainingCheckpoint? resumeFrom, CancellationToken cancellationToken)
        {
            train.Validate(network.Description, "training data");
            test?.Validate(network.Description, "test data");
            ClassCoverage.Require(network.Description, train);
            InputConventions.Adopt(network, train, test);

            long n = train.Count;
            var fingerprint = RunFingerprint.Of(settings, network.Description, n, Beta);
            var (segments, changes) = resumeFrom is null
                ? (new List<RunSegment> { new(1, 0, fingerprint, Array.Empty<SettingChange>()) }, new List<SettingChange>())
                : CheckResume(resumeFrom, fingerprint);

            var device = network.Device;
            bool writesCheckpoints = checkpoints is not null;
            if (parallel is not null)
            {
                // Rank 0 alone reports and writes; whether it writes decides the gathers every rank takes part in.
                writesCheckpoints = parallel.Any(parallel.IsRoot && checkpoints is not null, "the start of training");
                observer = parallel.IsRoot ? observer : null;
                checkpoints = parallel.IsRoot ? checkpoints : null;
            }

            using var sharded = parallel is null ? null : new DataParallelTraining(network, parallel);
            // On an accelerator an in-memory training set moves there once, so that a step copies nothing back and forth;
            // streamed batches move one at a time.
            using var onDevice = device.type == DeviceType.CPU || train is not LabeledData inMemory
                ? null
                : new LabeledData(inMemory.Features.to(device), inMemory.Labels.to(device));
            ITrainingSet source = onDevice ?? train;
            using var shuffling = new Generator((ulong)settings.Seed);
            using var optimizer = TrainingOptimizers.Create(network, settings);
            double[] baseLearningRates = optimizer.ParamGroups.Select(group => group.LearningRate).ToArray();
            long batchesPerEpoch = (n + settings.BatchSize - 1) / settings.BatchSize;
            long totalSteps = batchesPerEpoch * settings.Epochs;

            var reports = new List<EpochReport>();
            var (firstEpoch, firstBatch, step, accumulated) = StartOrResume(resumeFrom, changes, optimizer, baseLearningRates, shuffling, reports, batchesPerEpoch);

            observer?.OnTrainingStarted(new TrainingStart(settings.Epochs, batchesPerEpoch, firstEpoch, firstBatch, n) { Changes = changes });
            for (int epoch = firstEpoch; epoch <= settings.Epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                network.train();
                using var shuffleState = shuffling.get_state().clone();
                long startBatch = epoch == firstEpoch ? firstBatch : 0;
                var sums = epoch == firstEpoch ? accumulated : EpochAccumulator.Empty;
                using var batches = source.ReadEpoch(settings.BatchSize, shuffling, startBatch).GetEnumerator();

                for (long batch = startBatch; batch < batchesPerEpoch; batch++)
                {
                    bool stop = cancellationToken.IsCancellationRequested;
                    if (parallel is not null)
                    {
                        // Every rank stops at the same batch, whichever was asked to.
                        stop = parallel.Any(stop, $"the stop check before epoch {epoch}, batch {batch + 1}");
                    }

                    if (stop)
                    {
                        var partial = sums with { Seconds = sums.Seconds + clock.Elapsed.TotalSeconds };
                        WriteCheckpoint(checkpoints, writesCheckpoints, observer, optimizer, shuffleState, reports, segments, epoch, batch, step, partial, n);
                        return new TrainingOutcome(reports, Completed: false, epoch, batch) { Segments = segments };
                    }

                    using var scope = torch.NewDisposeScope();
                    if (!batches.MoveNext())
                    {
                        throw new InvalidOperationException($"The training set ended after {batch} of {batchesPerEpoch} batches of epoch {epoch}, though it counts {n} examples.");
                    }

                    long size = batches.Current.Count;
                    ApplySchedule(optimizer, baseLearningRates, step, totalSteps);
                    double informationWeight = EffectiveBeta(step, batchesPerEpoch) / n;
                    var logged = parallel is null
                        ? TrainBatch(batches.Current, device, optimizer, informationWeight)
                        : sharded!.TrainShard(batches.Current, device, optimizer, informationWeight, $"epoch {epoch}, batch {batch + 1}", ApplyWeightMasks);
                    if (!double.IsFinite(logged.Loss))
                    {
                        throw new TrainingDivergedException(epoch, batch + 1, logged.Loss);
                    }

                    step++;

                    sums = sums with
                    {
                        LossSum = sums.LossSum + logged.Loss,
                        CrossEntropySum = sums.CrossEntropySum + logged.CrossEntropy,
                        Correct = sums.Correct + logged.Correct,
                        Seen = sums.Seen + size,
                        Batches = sums.Batches + 1,
                    };
                    double secondsPerBatch = clock.Elapsed.TotalSeconds / (batch + 1 - startBatch);
                    observer?.OnBatchCompleted(new BatchProgress(epoch, batch + 1, batchesPerEpoch, logged.Loss,
                        settings.BatchSize / Math.Max(secondsPerBatch, 1e-9), secondsPerBatch * (batchesPerEpoch - batch - 1)));
                }

                using (torch.NewDisposeScope())
                {
                    // Ends the epoch's reading, where a streamed set checks that it held N examples.
                    if (batches.MoveNext())
                    {
                        throw new InvalidOperationException($"The training set gave more than {batchesPerEpoch} batches in epoch {epoch}, though it counts {n} examples.");
                    }
                }

                var report = EndOfEpoch(epoch, sums, clock.Elapsed.TotalSeconds, n, test);
                reports.Add(report);
                observer?.OnEpochCompleted(report);
                if (epoch % settings.CheckpointIntervalEpochs == 0 || epoch == settings.Epochs)
                {
                    using var nextEpochShuffleState = shuffling.get_state().clone();
                    WriteCheckpoint(checkpoints, writesCheckpoints, observer, optimizer, nextEpochShuffleState, reports, segments, epoch + 1, 0, step, EpochAccumulator.Empty, n);
                }
            }

            network.eval();
            return new TrainingOutcome(reports, Completed: true, settings.Epochs + 1, 0) { Segments = segments };
        }

        /// <summary>
        /// Where the run starts: epoch 1 with the seed's random streams, or the checkpoint's position with its optimizer
        /// state, random streams and reports restored and the settings' learning rates in force.
        /// </summary>
        private (int Epoch, long Batch, long Step, EpochAccumulator Accumulated) StartOrResume(TrainingCheckpoint? resumeFrom, List<SettingChange> changes,
            OptimizerHelper optimizer, double[] baseLearningRates, Generator shuffling, List<EpochReport> reports, long batchesPerEpoch)
        {
            if (resumeFrom is null)
            {
                TorchDevices.Seed(DataParallelGroup.NoiseSeed(settings.Seed, parallel?.Rank ?? 0));
                return (1, 0, 0, EpochAccumulator.Empty);
            }

            // A changed optimizer kind or momentum starts the optimizer afresh: the saved moments belong to the other one.
            Restore(resumeFrom, changes.Any(RunFingerprint.ChangesOptimizer) ? null : optimizer, shuffling);
            if (parallel is not null)
            {
                DataParallelTraining.RestoreRankStream(resumeFrom.Metadata, parallel, settings.Seed);
            }

            // The saved state carries the learning rates it was written with; the settings' rates are the ones in force.
            foreach (var (group, rate) in optimizer.ParamGroups.Zip(baseLearningRates))
            {
                group.LearningRate = rate;
            }

            reports.AddRange(resumeFrom.Metadata.Reports);
            var metadata = resumeFrom.Metadata;
            // N or the batch size may have changed at this epoch boundary: the step count follows the new epochs.
            return (metadata.Epoch, metadata.NextBatch, (metadata.Epoch - 1L) * batchesPerEpoch + metadata.NextBatch, metadata.Accumulated);
        }

        /// <summary>
        /// One optimizer step on <paramref name="batch"/> with <c>loss = CE + (β/N)·Ĩ</c>, <paramref name="informationWeight"/>
        /// being β/N; returns the logged values. A non-finite loss returns before the step, leaving the weights as they were.
        /// </summary>
        private (double Loss, double CrossEntropy, long Correct) TrainBatch(TrainingBatch batch, Device device, OptimizerHelper optimizer, double informationWeight)
        {
            var inputs = batch.Features.to(device);
            var labels = batch.Labels.to(device);
            network.zero_grad();
            var (logits, information) = network.call(inputs);
            var crossEntropy = nn.functional.cross_entropy(logits, labels);
            // The weight as add's alpha in a Scalar disposed here: TorchSharp's operators would leave two Scalars per step to the
            // finalizer, and those small native blocks split the heap's large free ones.
            using Scalar weight = informationWeight;
            var loss = crossEntropy.add(information, weight);

            var logged = LoggedValues(loss, crossEntropy, logits, labels);
            var result = (logged.Loss, logged.CrossEntropy, (long)logged.Correct);
            if (double.IsFinite(result.Item1))
            {
                network.BackwardAndStep(loss, optimizer);
                ApplyWeightMasks();
            }

            return result;
        }

        /// <summary>
        /// The logged scalars of a step in one transfer: loss, cross-entropy and the number of correct predictions, read from
        /// the copy's memory (data&lt;double&gt;() would leave its accessor to the finalizer).
        /// </summary>
        internal static (double Loss, double CrossEntropy, double Correct) LoggedValues(Tensor loss, Tensor crossEntropy, Tensor logits, Tensor labels)
        {
            var values = torch.stack(new[] { loss.detach(), crossEntropy.detach(), logits.detach().argmax(1).eq(labels).sum().to(crossEntropy.dtype) })
                .to(float64).cpu().contiguous();
            var read = MemoryMarshal.Cast<byte, double>(values.bytes);
            return (read[0], read[1], read[2]);
        }

        /// <summary>Multiplies each masked layer's weight by its mask after a step, so that pruned weights stay 0.</summary>
        private void ApplyWeightMasks()
        {
            if (maskedWeights is null)
            {
                return;
            }

            using var noGrad = torch.no_grad();
            foreach (var (weight, mask) in maskedWeights)
            {
                weight.mul_(mask);
            }
        }

        /// <summary>
        /// Accuracy of the mean network (noise off, ε ≡ 1) on <paramref name="data"/>, in chunks of at most
        /// <paramref name="batchSize"/> examples whose activations fit <paramref name="memoryBudgetBytes"/> (default 1 GiB, the
        /// default prediction memory budget).
        /// </summary>
        public static double Evaluate(InformationNetwork network, LabeledData data, int batchSize = 2000, long memoryBudgetBytes = ActivationMemory.DefaultBudgetBytes)
            => CountCorrect(network, data, 0, data.Count, batchSize, memoryBudgetBytes) / (double)data.Count;

        /// <summary>How many of the <paramref name="count"/> examples from <paramref name="start"/> the mean network classifies right (see <see cref="Evaluate"/>).</summary>
        internal static long CountCorrect(InformationNetwork network, LabeledData data, long start, long count, int batchSize, long memoryBudgetBytes)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(memoryBudgetBytes, 1);
            batchSize = (int)Math.Min(batchSize, ActivationMemory.ExamplesWithin(network.Description, memoryBudgetBytes));
            bool wasTraining = network.training;
            network.eval();
            try
            {
                using var noGrad = torch.no_grad();
                var device = network.Device;
                long correct = 0;
                for (long chunk = start; chunk < start + count; chunk += batchSize)
                {
                    using var scope = torch.NewDisposeScope();
                    long size = Math.Min(batchSize, start + count - chunk);
                    var inputs = data.Features.narrow(0, chunk, size).to(device);
                    var labels = data.Labels.narrow(0, chunk, size).to(device);
                    var (logits, _) = network.call(inputs);
                    correct += logits.argmax(1).eq(labels).sum().item<long>();
                }

                return correct;
            }
            finally
            {
                network.train(wasTraining);
            }
        }


        private EpochReport EndOfEpoch(int epoch, EpochAccumulator sums, double seconds, long n, LabeledData? test)
        {
            double informationPerSample;
            using (torch.no_grad())
            {
                using var information = network.Information();
                informationPerSample = information.to(float64).item<double>() / n;
            }

            double testAccuracy;
            if (parallel is null)
            {
                testAccuracy = test is null ? double.NaN : Evaluate(network, test, settings.EvaluationBatchSize, settings.EvaluationMemoryBudgetBytes);
            }
            else
            {
                DataParallelTraining.AverageRunningStatistics(network, parallel);
                DataParallelTraining.RequireSameWeights(network, parallel, epoch);
                testAccuracy = test is null ? double.NaN : DataParallelTraining.EvaluateShared(network, test, parallel, settings);
            }

            network.train();
            double meanLoss = sums.LossSum / Math.Max(1, sums.Batches);
            return new EpochReport(epoch, meanLoss, sums.CrossEntropySum / Math.Max(1, sums.Batches), informationPerSample,
                sums.Correct / (double)Math.Max(1, sums.Seen), testAccuracy, sums.Seconds + seconds);
        }

        private void WriteCheckpoint(CheckpointStore? checkpoints, bool writesCheckpoints, ITrainingObserver? observer, OptimizerHelper optimizer, Tensor shuffleState,
            List<EpochReport> reports, List<RunSegment> segments, int epoch, long nextBatch, long step, EpochAccumulator accumulated, long n)
        {
            if (!writesCheckpoints)
            {
                return;
            }

            byte[][]? rankStates = null;
            if (parallel is not null)
            {
                DataParallelTraining.AverageRunningStatistics(network, parallel);
                rankStates = parallel.GatherToRoot(CheckpointStore.Bytes(torch.random.get_rng_state()), "the checkpoint's gather of the noise streams");
            }

            if (checkpoints is null)
            {
                return;
            }

            var metadata = new CheckpointMetadata
            {
                Network = network.Description.Name,
                DeclarationHash = network.Description.DeclarationHash,
                NoiseFamily = string.Join(", ", network.Description.Layers.Where(l => l.Noise.Length > 0).Select(l => l.Noise).Distinct()),
                Beta = Beta,
                TrainingExamples = n,
                Seed = settings.Seed,
                Epoch = epoch,
                NextBatch = nextBatch,
                Step = step,
                Accumulated = accumulated,
                Reports = reports.ToArray(),
                Settings = settings,
                Segments = segments.ToArray(),
                RankRandomStates = rankStates,
            };
            checkpoints.Write(metadata, network, optimizer, shuffleState);
            observer?.OnCheckpointWritten(checkpoints.FilePath, epoch, nextBatch);
        }

        /// <summary>
        /// Compares this run's settings with the checkpoint's last segment. Any difference is refused under
        /// <see cref="ResumePolicy.Strict"/>; under <see cref="ResumePolicy.AllowChanges"/> it opens a new segment, except a
        /// change of what orders the examples inside an epoch, which is refused there too.
        /// </summary>
        private (List<RunSegment> Segments, List<SettingChange> Changes) CheckResume(TrainingCheckpoint checkpoint, SortedDictionary<string, string> fingerprint)
        {
            var metadata = checkpoint.Metadata;
            var segments = metadata.Segments is { Count: > 0 } recorded
                ? recorded.ToList()
                : new List<RunSegment> { new(1, 0, RunFingerprint.Of(metadata.Settings, network.Description, metadata.TrainingExamples, metadata.Beta), Array.Empty<SettingChange>()) };
            var changes = RunFingerprint.Differences(segments[^1].Settings, fingerprint);
            if (metadata.Segments is null)
            {
                // A checkpoint from before the fingerprint did not record its data: nothing to compare that with.
                changes.RemoveAll(change => change.Checkpoint == RunFingerprint.Unrecorded);
            }

            if (changes.Count == 0)
            {
                return (segments, changes);
            }

            if (settings.Resume == ResumePolicy.Strict)
            {
                throw new ResumeMismatchException(checkpoint.Path, changes,
                    "Restore these settings, resume with Resume = AllowChanges to continue with the new values (recorded as a new run segment), " +
                    "or start afresh in another checkpoint folder.");
            }

            var orderChanges = changes.Where(RunFingerprint.ChangesOrder).ToList();
            if (orderChanges.Count > 0 && metadata.NextBatch != 0)
            {
                throw new ResumeMismatchException(checkpoint.Path, orderChanges,
                    $"The checkpoint stopped inside epoch {metadata.Epoch} (batch {metadata.NextBatch}), and these settings decide the order of the examples " +
                    "within an epoch: they can change only at an epoch boundary. Restore them to finish the epoch, or start afresh in another checkpoint folder.");
            }

            segments.Add(new RunSegment(metadata.Epoch, metadata.NextBatch, fingerprint, changes));
            return (segments, changes);
        }

        private static void Restore(TrainingCheckpoint checkpoint, OptimizerHelper? optimizer, Generator shuffling)
        {
            if (optimizer is not null)
            {
                using var reader = new System.IO.BinaryReader(new System.IO.MemoryStream(checkpoint.OptimizerState));
                optimizer.load_state_dict(reader);
            }

            using var globalState = torch.tensor(checkpoint.GlobalRandomState, dtype: uint8);
            torch.random.set_rng_state(globalState);
            using var shuffleState = torch.tensor(checkpoint.ShuffleStateAtEpochStart, dtype: uint8);
            shuffling.set_state(shuffleState);
        }

        /// <summary>β, ramped linearly from 0 over the warm-up epochs.</summary>
        private double EffectiveBeta(long step, long batchesPerEpoch)
        {
            if (settings.BetaWarmupEpochs == 0)
            {
                return Beta;
            }

            double progress = (step + 1) / (double)(settings.BetaWarmupEpochs * batchesPerEpoch);
            return Beta * Math.Min(1.0, progress);
        }

        private void ApplySchedule(OptimizerHelper optimizer, double[] baseLearningRates, long step, long totalSteps)
        {
            if (settings.Schedule == LearningRateSchedule.Constant)
            {
                return;
            }

            // Cosine annealing: lr_t = lr·½·(1 + cos(π·t/T)).
            double factor = 0.5 * (1 + Math.Cos(Math.PI * step / totalSteps));
            int index = 0;
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = baseLearningRates[index++] * factor;
            }
        }

        private sealed class EpochCallback(Action<EpochReport> onEpoch) : ITrainingObserver
        {
            public void OnEpochCompleted(EpochReport report) => onEpoch(report);
        }
    }
}
