using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Data;
using Ibex.Runtime.Distributed;
using Ibex.Runtime.Reports;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ibex.Runtime.Training
{
    /// <summary>
    /// Trains a generated network on the Information Bottleneck Lagrangian for the weights,
    /// <c>loss = mean cross-entropy + (β / N)·Ĩ(w;D)</c>, N the training-set size (Achille &amp; Soatto, JMLR 2018, eq. 3,
    /// divided by N as the Information Dropout reference code does); for a network declared with another likelihood its
    /// mean negative log-likelihood takes the cross-entropy's place (<see cref="Likelihoods.NegativeLogLikelihood"/>). With a <see cref="CheckpointStore"/> it writes
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

        /// <summary>The weights <see cref="TrainingSettings.WeightMasks"/> holds at 0, or null without masks.</summary>
        private readonly FixedWeightMasks? masks;

        /// <summary>The run <see cref="Run"/> trains, as its spans name it.</summary>
        private RunIdentity? identity;

        /// <summary>Prepares to train <paramref name="network"/>; throws <see cref="ArgumentException"/> for invalid settings.</summary>
        public InformationTrainer(InformationNetwork network, TrainingSettings settings)
        {
            settings.Validate();
            this.network = network;
            this.settings = settings;
            parallel = settings.DataParallel is { Size: > 1 } group ? group : null;
            masks = settings.WeightMasks is { } given ? new FixedWeightMasks(network, given) : null;
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
            identity = new RunIdentity(network.Description.Name, Beta, RunIdentity.Hash(fingerprint));
            var resumption = new CheckpointedRun(network, settings, parallel, Beta, identity);
            var (segments, changes) = resumeFrom is null
                ? (new List<RunSegment> { new(1, 0, fingerprint, Array.Empty<SettingChange>()) }, new List<SettingChange>())
                : resumption.CheckResume(resumeFrom, fingerprint);

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
            var (firstEpoch, firstBatch, step, accumulated) = resumption.StartOrResume(resumeFrom, changes, optimizer, baseLearningRates, shuffling, reports, batchesPerEpoch);

            observer?.OnTrainingStarted(new TrainingStart(settings.Epochs, batchesPerEpoch, firstEpoch, firstBatch, n) { Changes = changes, Likelihood = network.Description.Likelihood });
            for (int epoch = firstEpoch; epoch <= settings.Epochs; epoch++)
            {
                using var epochSpan = TrainingActivities.Start(TrainingActivities.EpochSpan, identity, epoch);
                var clock = Stopwatch.StartNew();
                TrainingMode();
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
                        resumption.Write(checkpoints, writesCheckpoints, observer, optimizer, shuffleState, reports, segments, epoch, batch, step, partial, n);
                        return new TrainingOutcome(reports, Completed: false, epoch, batch) { Segments = segments };
                    }

                    using var scope = torch.NewDisposeScope();
                    if (!batches.MoveNext())
                    {
                        throw new InvalidOperationException($"The training set ended after {batch} of {batchesPerEpoch} batches of epoch {epoch}, though it counts {n} examples.");
                    }

                    long size = batches.Current.Count;
                    TrainingSchedule.Apply(settings, optimizer, baseLearningRates, step, totalSteps);
                    double informationWeight = settings.Dense ? 0 : TrainingSchedule.EffectiveBeta(settings, Beta, step, batchesPerEpoch) / n;
                    var logged = parallel is null
                        ? TrainBatch(batches.Current, device, optimizer, informationWeight)
                        : sharded!.TrainShard(batches.Current, device, optimizer, informationWeight, $"epoch {epoch}, batch {batch + 1}", () => masks?.Apply());
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
                        settings.BatchSize / Math.Max(secondsPerBatch, 1e-9), secondsPerBatch * (batchesPerEpoch - batch - 1)) { CrossEntropy = logged.CrossEntropy });
                }

                using (torch.NewDisposeScope())
                {
                    // Ends the epoch's reading, where a streamed set checks that it held N examples.
                    if (batches.MoveNext())
                    {
                        throw new InvalidOperationException($"The training set gave more than {batchesPerEpoch} batches in epoch {epoch}, though it counts {n} examples.");
                    }
                }

                var report = EndOfEpoch(epoch, sums, clock, n, test, optimizer.ParamGroups.First().LearningRate);
                reports.Add(report);
                observer?.OnEpochCompleted(report);
                bool stopEarly = epoch < settings.Epochs && (observer?.StopRequested ?? false);
                if (parallel is not null)
                {
                    stopEarly = parallel.Any(stopEarly, $"the early-stopping check after epoch {epoch}");
                }

                if (epoch % settings.CheckpointIntervalEpochs == 0 || epoch == settings.Epochs || stopEarly)
                {
                    using var nextEpochShuffleState = shuffling.get_state().clone();
                    resumption.Write(checkpoints, writesCheckpoints, observer, optimizer, nextEpochShuffleState, reports, segments, epoch + 1, 0, step, EpochAccumulator.Empty, n);
                }

                if (stopEarly)
                {
                    network.eval();
                    return new TrainingOutcome(reports, Completed: true, epoch + 1, 0) { Segments = segments };
                }
            }

            network.eval();
            return new TrainingOutcome(reports, Completed: true, settings.Epochs + 1, 0) { Segments = segments };
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
            var crossEntropy = Likelihoods.NegativeLogLikelihood.Mean(network, logits, labels);
            // The weight as add's alpha in a Scalar disposed here: TorchSharp's operators would leave two Scalars per step to the
            // finalizer, and those small native blocks split the heap's large free ones.
            using Scalar weight = informationWeight;
            var loss = crossEntropy.add(information, weight);

            var logged = LoggedValues(loss, crossEntropy, Likelihoods.NegativeLogLikelihood.Hits(network.Description, logits.detach(), labels));
            var result = (logged.Loss, logged.CrossEntropy, (long)logged.Correct);
            if (double.IsFinite(result.Item1))
            {
                network.BackwardAndStep(loss, optimizer);
                masks?.Apply();
            }

            return result;
        }

        /// <summary>
        /// The logged scalars of a step in one transfer: loss, negative log-likelihood (the cross-entropy of a classifier) and
        /// the number of examples predicted right, read from the copy's memory (data&lt;double&gt;() would leave its accessor to
        /// the finalizer).
        /// </summary>
        internal static (double Loss, double CrossEntropy, double Correct) LoggedValues(Tensor loss, Tensor crossEntropy, Tensor hits)
        {
            var values = torch.stack(new[] { loss.detach(), crossEntropy.detach(), hits.to(crossEntropy.dtype) })
                .to(float64).cpu().contiguous();
            var read = MemoryMarshal.Cast<byte, double>(values.bytes);
            return (read[0], read[1], read[2]);
        }

        /// <summary>
        /// Accuracy of the mean network (noise off, ε ≡ 1) on <paramref name="data"/>, in chunks of at most
        /// <paramref name="batchSize"/> examples whose activations fit <paramref name="memoryBudgetBytes"/> (default 1 GiB, the
        /// default prediction memory budget): the share of examples classified right, or of a multi-label network's
        /// examples with every label right; NaN for a regression network, which has no accuracy.
        /// </summary>
        public static double Evaluate(InformationNetwork network, LabeledData data, int batchSize = 2000, long memoryBudgetBytes = ActivationMemory.DefaultBudgetBytes)
            => Likelihoods.NegativeLogLikelihood.HasAccuracy(network.Description)
                ? MeanNetworkAccuracy.CountCorrect(network, data, 0, data.Count, batchSize, memoryBudgetBytes) / (double)data.Count
                : double.NaN;

        private EpochReport EndOfEpoch(int epoch, EpochAccumulator sums, Stopwatch clock, long n, LabeledData? test, double learningRate)
        {
            double trainingSeconds = sums.Seconds + clock.Elapsed.TotalSeconds;
            double informationPerSample;
            using (torch.no_grad())
            {
                using var information = network.Information();
                informationPerSample = information.to(float64).item<double>() / n;
            }

            double testAccuracy;
            if (parallel is null)
            {
                using var evaluation = test is null ? null : TrainingActivities.Start(TrainingActivities.EvaluationSpan, identity!, epoch);
                testAccuracy = test is null ? double.NaN : Evaluate(network, test, settings.EvaluationBatchSize, settings.EvaluationMemoryBudgetBytes);
            }
            else
            {
                DataParallelTraining.AverageRunningStatistics(network, parallel);
                DataParallelTraining.RequireSameWeights(network, parallel, epoch);
                testAccuracy = test is null ? double.NaN : DataParallelTraining.EvaluateShared(network, test, parallel, settings);
            }

            TrainingMode();
            double meanLoss = sums.LossSum / Math.Max(1, sums.Batches);
            double trainAccuracy = Likelihoods.NegativeLogLikelihood.HasAccuracy(network.Description) ? sums.Correct / (double)Math.Max(1, sums.Seen) : double.NaN;
            return new EpochReport(epoch, meanLoss, sums.CrossEntropySum / Math.Max(1, sums.Batches), informationPerSample,
                trainAccuracy, testAccuracy, sums.Seconds + clock.Elapsed.TotalSeconds)
            {
                LearningRate = learningRate,
                ExamplesPerSecond = sums.Seen / Math.Max(trainingSeconds, 1e-9),
                Layers = LayerInformation.Measure(network),
            };
        }

        /// <summary>The mode training steps run in: training (noise sampled), or evaluation for a <see cref="TrainingSettings.Dense"/> run.</summary>
        private void TrainingMode()
        {
            if (settings.Dense)
            {
                network.eval();
            }
            else
            {
                network.train();
            }
        }

        private sealed class EpochCallback(Action<EpochReport> onEpoch) : ITrainingObserver
        {
            public void OnEpochCompleted(EpochReport report) => onEpoch(report);
        }
    }
}
