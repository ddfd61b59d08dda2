using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using Ibex.Runtime.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ibex.Runtime.Training
{
    /// <summary>
    /// Trains a generated network with Adam on the Information Bottleneck Lagrangian for the weights,
    /// <c>loss = mean cross-entropy + (β / N)·Ĩ(w;D)</c>, N the training-set size (Achille &amp; Soatto, JMLR 2018, eq. 3,
    /// divided by N as the Information Dropout reference code does).
    /// </summary>
    public sealed class InformationTrainer
    {
        private readonly InformationNetwork network;
        private readonly TrainingSettings settings;

        /// <summary>Prepares to train <paramref name="network"/>; throws <see cref="ArgumentException"/> for invalid settings.</summary>
        public InformationTrainer(InformationNetwork network, TrainingSettings settings)
        {
            settings.Validate();
            this.network = network;
            this.settings = settings;
        }

        /// <summary>β in force: the settings' override, else the declared one.</summary>
        public double Beta => settings.Beta ?? network.Description.Information.Beta;

        /// <summary>
        /// Trains for <see cref="TrainingSettings.Epochs"/> epochs, reporting each one. Stops early, between batches, when
        /// <paramref name="cancellationToken"/> is cancelled, and returns the epochs completed.
        /// </summary>
        public IReadOnlyList<EpochReport> Fit(LabeledData train, LabeledData? test = null, Action<EpochReport>? onEpoch = null,
            CancellationToken cancellationToken = default)
        {
            CheckShapes(train, nameof(train));
            if (test is not null)
            {
                CheckShapes(test, nameof(test));
            }

            torch.manual_seed(settings.Seed);
            using var shuffling = new Generator((ulong)settings.Seed);
            using var optimizer = CreateOptimizer();
            double[] baseLearningRates = optimizer.ParamGroups.Select(group => group.LearningRate).ToArray();
            var reports = new List<EpochReport>();
            long n = train.Count;
            double informationWeight = Beta / n;
            long stepsPerEpoch = (n + settings.BatchSize - 1) / settings.BatchSize;
            long totalSteps = stepsPerEpoch * settings.Epochs;
            long step = 0;

            for (int epoch = 1; epoch <= settings.Epochs && !cancellationToken.IsCancellationRequested; epoch++)
            {
                var clock = Stopwatch.StartNew();
                network.train();
                using var epochScope = torch.NewDisposeScope();
                var device = DeviceOf(network);
                var lossSum = torch.zeros(1, dtype: float64, device: device);
                var crossEntropySum = torch.zeros(1, dtype: float64, device: device);
                var correct = torch.zeros(1, dtype: int64, device: device);
                long seen = 0;
                int batches = 0;

                var order = torch.randperm(n, generator: shuffling).to(device);
                for (long start = 0; start < n; start += settings.BatchSize)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        break;
                    }

                    using var stepScope = torch.NewDisposeScope();
                    long size = Math.Min(settings.BatchSize, n - start);
                    var indices = order.narrow(0, start, size);
                    var inputs = train.Features.index_select(0, indices).to(device);
                    var labels = train.Labels.index_select(0, indices).to(device);

                    ApplySchedule(optimizer, baseLearningRates, step++, totalSteps);
                    network.zero_grad();
                    var (logits, information) = network.call(inputs);
                    var crossEntropy = nn.functional.cross_entropy(logits, labels);
                    var loss = crossEntropy + information * informationWeight;
                    loss.backward();
                    optimizer.step();
                    network.ClampLogAlpha();

                    using (torch.no_grad())
                    {
                        lossSum.add_(loss.detach().to(float64));
                        crossEntropySum.add_(crossEntropy.detach().to(float64));
                        correct.add_(logits.argmax(1).eq(labels).sum());
                    }

                    seen += size;
                    batches++;
                }

                if (batches == 0)
                {
                    break;
                }

                double meanLoss = lossSum.item<double>() / batches;
                if (!double.IsFinite(meanLoss))
                {
                    throw new TrainingDivergedException(epoch, meanLoss);
                }

                double informationPerSample;
                using (torch.no_grad())
                {
                    informationPerSample = network.Information().to(float64).item<double>() / n;
                }

                double testAccuracy = test is null ? double.NaN : Evaluate(network, test, settings.EvaluationBatchSize);
                var report = new EpochReport(epoch, meanLoss, crossEntropySum.item<double>() / batches, informationPerSample,
                    correct.item<long>() / (double)seen, testAccuracy, clock.Elapsed.TotalSeconds);
                reports.Add(report);
                onEpoch?.Invoke(report);
            }

            network.eval();
            return reports;
        }

        /// <summary>Accuracy of the mean network (noise off, ε ≡ 1) on <paramref name="data"/>.</summary>
        public static double Evaluate(InformationNetwork network, LabeledData data, int batchSize = 2000)
        {
            bool wasTraining = network.training;
            network.eval();
            try
            {
                using var noGrad = torch.no_grad();
                using var scope = torch.NewDisposeScope();
                var device = DeviceOf(network);
                var correct = torch.zeros(1, dtype: int64, device: device);
                for (long start = 0; start < data.Count; start += batchSize)
                {
                    using var batchScope = torch.NewDisposeScope();
                    long size = Math.Min(batchSize, data.Count - start);
                    var inputs = data.Features.narrow(0, start, size).to(device);
                    var labels = data.Labels.narrow(0, start, size).to(device);
                    var (logits, _) = network.call(inputs);
                    correct.add_(logits.argmax(1).eq(labels).sum());
                }

                return correct.item<long>() / (double)data.Count;
            }
            finally
            {
                network.train(wasTraining);
            }
        }

        private Adam CreateOptimizer()
        {
            var groups = new List<Adam.ParamGroup>
            {
                new(network.MeanParameters(), lr: settings.LearningRate),
            };
            var logAlphas = network.LogAlphaParameters();
            if (logAlphas.Count > 0)
            {
                groups.Add(new Adam.ParamGroup(logAlphas, lr: settings.LogAlphaLearningRate));
            }

            return torch.optim.Adam(groups, lr: settings.LearningRate);
        }

        private void ApplySchedule(Adam optimizer, double[] baseLearningRates, long step, long totalSteps)
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

        /// <summary>The device of the network's parameters (the CPU for a network without any).</summary>
        private static Device DeviceOf(InformationNetwork network)
        {
            foreach (var parameter in network.parameters())
            {
                return parameter.device;
            }

            return torch.CPU;
        }

        private void CheckShapes(LabeledData data, string name)
        {
            var description = network.Description;
            long features = data.Features.shape.Length == 2 ? data.Features.shape[1] : -1;
            if (features != description.InputFeatures)
            {
                throw new ArgumentException(
                    $"The {name} data has examples of shape [{string.Join(", ", data.Features.shape[1..])}], but {description.Name} was declared " +
                    $"with [Input({string.Join(", ", description.InputShape)})]. Reshape the data or change the declaration.", name);
            }
        }
    }
}
