using System;
using Ibex.Runtime;
using System.Threading;
using Ibex.Runtime.Data;
using Ibex.Runtime.Runs;
using Ibex.Runtime.Training;
using TorchSharp;

namespace Ibex.Examples.PhaseTransition
{
    /// <summary>One point of a sweep: which network settings, data size and label noise.</summary>
    /// <param name="Beta">β of the run.</param>
    /// <param name="TrainingExamples">N.</param>
    /// <param name="RandomLabelFraction">The fraction of training labels replaced by fixed random ones (1 = all).</param>
    /// <param name="Seed">Seeds the subset, the random labels, the weights, the noise and the shuffling.</param>
    public sealed record SweepPoint(double Beta, int TrainingExamples, double RandomLabelFraction, long Seed);

    /// <summary>How every point of a sweep trains.</summary>
    public sealed record SweepTraining
    {
        /// <summary>Examples per step.</summary>
        public int BatchSize { get; init; } = 100;

        /// <summary>Adam's rate for ŵ.</summary>
        public double LearningRate { get; init; } = 1e-3;

        /// <summary>Adam's rate for ρ.</summary>
        public double LogAlphaLearningRate { get; init; } = 3e-2;

        /// <summary>
        /// Epochs over which β rises from 0 to its value. Without it the information term caps α before the network has
        /// found a memorizing solution, so runs stop memorizing at a β well below where memorizing stops paying.
        /// </summary>
        public int BetaWarmupEpochs { get; init; }

        /// <summary>Stop here even without convergence (the result records it).</summary>
        public int MaximumEpochs { get; init; } = 3000;

        /// <summary>Never stop before this many epochs.</summary>
        public int MinimumEpochs { get; init; } = 200;

        /// <summary>Epochs per convergence window.</summary>
        public int ConvergenceWindow { get; init; } = 100;

        /// <summary>Relative improvement between windows below which a run has converged.</summary>
        public double ConvergenceTolerance { get; init; } = 0.01;

        /// <summary>S of the Monte-Carlo predictive.</summary>
        public int MonteCarloSamples { get; init; } = 32;
    }

    /// <summary>What one point measured.</summary>
    public sealed record SweepResult
    {
        /// <summary>The point.</summary>
        public required SweepPoint Point { get; init; }

        /// <summary>Epochs trained.</summary>
        public required int Epochs { get; init; }

        /// <summary>Whether the convergence test stopped the run (false: it hit the epoch cap).</summary>
        public required bool Converged { get; init; }

        /// <summary>Mean training cross-entropy of the last epoch (noisy forward passes), nats.</summary>
        public required double CrossEntropy { get; init; }

        /// <summary>Ĩ(w;D)/N at the end, nats per sample.</summary>
        public required double InformationPerSample { get; init; }

        /// <summary>Accuracy on the training labels of the mean network (ε ≡ 1).</summary>
        public required double TrainAccuracyMeanNetwork { get; init; }

        /// <summary>Accuracy on the training labels of one noisy forward pass.</summary>
        public required double TrainAccuracyNoisy { get; init; }

        /// <summary>Accuracy on the training labels of the Monte-Carlo predictive.</summary>
        public required double TrainAccuracyMonteCarlo { get; init; }

        /// <summary>Accuracy of the mean network on the test set (true labels).</summary>
        public required double TestAccuracy { get; init; }

        /// <summary>Wall-clock seconds.</summary>
        public required double Seconds { get; init; }
    }

    /// <summary>Trains one sweep point to convergence and measures it.</summary>
    public static class RandomLabelPoint
    {
        /// <summary>Runs <paramref name="point"/> on <paramref name="train"/> (labels already randomized as the point says).</summary>
        public static SweepResult Run<TNetwork>(SweepPoint point, SweepTraining training, LabeledData train, LabeledData? test, CancellationToken cancellationToken = default)
            where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            TorchDevices.Seed(point.Seed);
            using var network = TNetwork.Create(null);
            var settings = new TrainingSettings
            {
                Epochs = training.MaximumEpochs,
                BatchSize = training.BatchSize,
                LearningRate = training.LearningRate,
                LogAlphaLearningRate = training.LogAlphaLearningRate,
                Beta = point.Beta,
                BetaWarmupEpochs = training.BetaWarmupEpochs,
                Seed = point.Seed,
                EvaluationBatchSize = 5000,
            };
            // Convergence is judged on windows after the warm-up only, when the objective no longer moves with β.
            var detector = new ConvergenceDetector(training.ConvergenceWindow, training.ConvergenceTolerance,
                Math.Max(training.MinimumEpochs, training.BetaWarmupEpochs + 2 * training.ConvergenceWindow));
            var observer = new ConvergenceObserver(detector);
            using var run = new TrainingRun<TNetwork>(network, new TrainingRunOptions { Training = settings, MonteCarloSamples = 0 }, observer);
            // No test set during training: the sweep measures it once, at the end, not after every epoch.
            var result = run.Run(train, test: null, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            var report = result.Report!;

            return new SweepResult
            {
                Point = point,
                Epochs = report.Epochs.Count,
                Converged = observer.Converged,
                CrossEntropy = report.Epochs[^1].CrossEntropy,
                InformationPerSample = report.InformationPerSample,
                TrainAccuracyMeanNetwork = report.Final.TrainMeanNetwork,
                TrainAccuracyNoisy = NoisyAccuracy(network, train),
                TrainAccuracyMonteCarlo = Predictive.Evaluate(network, train, training.MonteCarloSamples).Accuracy,
                TestAccuracy = test is null ? double.NaN : InformationTrainer.Evaluate(network, test),
                Seconds = clock.Elapsed.TotalSeconds,
            };
        }

        /// <summary>Accuracy of a single forward pass with the noise on.</summary>
        private static double NoisyAccuracy(InformationNetwork network, LabeledData data)
        {
            network.train();
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            var (logits, _) = network.call(data.Features);
            return logits.argmax(1).eq(data.Labels).sum().item<long>() / (double)data.Count;
        }

        /// <summary>Ends training as finished once the objective has converged.</summary>
        private sealed class ConvergenceObserver(ConvergenceDetector detector) : ITrainingObserver
        {
            public bool Converged { get; private set; }

            public bool StopRequested => Converged;

            public void OnEpochCompleted(EpochReport report) => Converged |= detector.Add(report.Loss);
        }
    }
}
