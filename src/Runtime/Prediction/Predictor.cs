using System;
using System.Collections.Generic;
using System.Linq;
using Ibex.Runtime.Native;
using Ibex.Runtime.Persistence;
using TorchSharp;

namespace Ibex.Runtime.Prediction
{
    /// <summary>
    /// Predicts with a trained network from raw examples: a network trained on standardized data carries its statistics
    /// (<see cref="InformationNetwork.InputStandardization"/>, saved in its file), and the predictor applies them to every
    /// example first. It gives the class and its probabilities from the mean network (every ε = 1), and with
    /// S Monte-Carlo weight samples the predictive mean <c>p̄ = (1/S)·Σ_s softmax(f(x; w_s))</c>, its entropy H[p̄] and the
    /// mutual information between the prediction and the weights, <c>I(y; w | x) = H[p̄] − (1/S)·Σ_s H[p_s]</c>, in nats.
    /// </summary>
    /// <remarks>
    /// <para>It holds its own copy of the network, in evaluation mode, and never changes it: BatchNorm uses its running
    /// statistics and Dropout is off, for the mean network and for every weight sample alike. Each sample is a whole weight
    /// set drawn into a second copy (<c>WeightSampler</c>) and shared by every example, so a prediction does not depend on
    /// the batch it arrives in; with <see cref="PredictionOptions.Seed"/> set (the default) it is the same on every call.
    /// Information Dropout's activation noise is not sampled: the mutual information is the weights' part.</para>
    /// <para>Examples go through the network in chunks whose activations fit <see cref="PredictionOptions.MemoryBudgetBytes"/>,
    /// and samples one after another, so memory does not grow with the number of examples or samples. Calls are
    /// thread-safe; they run one at a time (each already uses every core libtorch has).</para>
    /// </remarks>
    /// <typeparam name="TNetwork">The generated network type.</typeparam>
    public sealed partial class Predictor<TNetwork> : IDisposable
        where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
    {
        private readonly object gate = new();
        private readonly TNetwork network;
        private readonly long? seed;
        private readonly long examplesPerChunk;
        private TNetwork? sampledNetwork;
        private WeightSampler? sampler;
        private bool disposed;

        /// <summary>A predictor with a copy of <paramref name="trained"/>'s weights; <paramref name="trained"/> itself is left as it is.</summary>
        public Predictor(TNetwork trained, PredictionOptions? options = null)
            : this(Validated(options), CopyOf(trained))
        {
        }

        private Predictor(PredictionOptions options, TNetwork network)
        {
            this.network = network;
            seed = options.Seed;
            network.eval();
            examplesPerChunk = ActivationMemory.ExamplesWithin(network.Description, options.MemoryBudgetBytes);
        }

        /// <summary>Loads a network saved with <see cref="NetworkFile.Save"/> (or by the hosted trainer) onto <paramref name="device"/> (the CPU when null).</summary>
        /// <exception cref="CheckpointException">The file is missing, damaged or holds another network.</exception>
        public static Predictor<TNetwork> Load(string path, PredictionOptions? options = null, torch.Device? device = null)
        {
            var validated = Validated(options);
            TorchNative.EnsureLoaded();
            var network = TNetwork.Create(device);
            try
            {
                NetworkFile.Load(network, path);
                return new Predictor<TNetwork>(validated, network);
            }
            catch
            {
                network.Dispose();
                throw;
            }
        }

        /// <summary>The declaration of the network it predicts with.</summary>
        public NetworkDescription Description => network.Description;

        /// <summary>The standardization applied to every example before the network sees it, or null when it takes raw inputs.</summary>
        public InputStandardization? InputStandardization => network.InputStandardization;

        /// <summary>The statistics a regression network's predictions are mapped back to the targets' units with, or null.</summary>
        public TargetStandardization? TargetStandardization => network.TargetStandardization;

        /// <summary>The class names in label order, or null when the training data did not name them.</summary>
        public IReadOnlyList<string>? ClassNames => network.ClassNames;

        /// <summary>The temperature and prediction-set threshold applied to every prediction, or null (<see cref="Calibrate"/>).</summary>
        public PredictionCalibration? Calibration => network.PredictionCalibration;

        /// <summary>How many examples go through the network at once under the memory budget.</summary>
        public long ExamplesPerChunk => examplesPerChunk;

        /// <summary>Predicts one example: its features, flat (as many as <see cref="NetworkDescription.InputFeatures"/>).</summary>
        /// <param name="example">The example's features, flat, in the declared order (channels, then rows, then columns).</param>
        /// <param name="samples">Monte-Carlo weight samples S; 0 for the mean network alone.</param>
        public ClassPrediction Predict(ReadOnlySpan<float> example, int samples)
        {
            if (example.Length != Description.InputFeatures)
            {
                throw new ArgumentException($"{Description.Name} takes examples of {Description.InputFeatures} features; got {example.Length}.", nameof(example));
            }

            using var batch = PredictionInputs.FromFlat(example, Description);
            return Run(batch, samples)[0];
        }

        /// <summary>Predicts a batch given as one flat array of N × <see cref="NetworkDescription.InputFeatures"/> values, example after example.</summary>
        public IReadOnlyList<ClassPrediction> PredictBatch(ReadOnlySpan<float> examples, int samples)
        {
            using var batch = PredictionInputs.FromFlat(examples, Description);
            return Run(batch, samples);
        }

        /// <summary>Predicts a batch given as one array per example.</summary>
        public IReadOnlyList<ClassPrediction> PredictBatch(float[][] examples, int samples)
        {
            ArgumentNullException.ThrowIfNull(examples);
            using var batch = PredictionInputs.FromRows(examples, Description);
            return Run(batch, samples);
        }

        /// <summary>
        /// Predicts the examples of a tensor: one example or a batch, flat or shaped as declared (for example [1, 28, 28] or
        /// [B, 1, 28, 28]), float32 or float64 (converted). The tensor is not changed.
        /// </summary>
        public IReadOnlyList<ClassPrediction> PredictBatch(torch.Tensor inputs, int samples)
        {
            ArgumentNullException.ThrowIfNull(inputs);
            using var batch = PredictionInputs.FromTensor(inputs, Description);
            return Run(batch, samples);
        }

        /// <summary>
        /// Predicts every example of <paramref name="data"/>. Raw data is standardized as the network's training data was;
        /// data already standardized with the network's own statistics (<see cref="Data.LabeledData.StandardizedWith"/>, as the
        /// test split of a standardized run is) is taken as it is; data standardized otherwise is refused.
        /// <paramref name="cancellationToken"/> is observed before every weight sample and every chunk of examples, so a
        /// stop request is honoured within one forward pass whatever <paramref name="samples"/> is.
        /// </summary>
        /// <exception cref="OperationCanceledException">The token was cancelled; nothing is returned.</exception>
        public IReadOnlyList<ClassPrediction> PredictBatch(Data.LabeledData data, int samples, System.Threading.CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(data);
            bool prepared = IsStandardized(data);
            using var batch = PredictionInputs.FromTensor(data.Features, Description);
            return Run(batch, samples, standardized: prepared, cancellationToken);
        }

        /// <summary>
        /// Fits the calibration on held-out examples and applies it to every later prediction: the temperature T that
        /// minimizes the negative log-likelihood of <paramref name="validation"/>'s labels under softmax(log p / T), p the
        /// predictive with <paramref name="samples"/> weight samples (the mean network for 0), then the threshold of
        /// adaptive prediction sets on the tempered probabilities for <paramref name="coverage"/>. Use examples the network
        /// was not trained on, and not the test set you report; <see cref="Save"/> keeps the calibration with the weights.
        /// </summary>
        /// <exception cref="ArgumentException">The data does not fit the network, a label is not a class, or there are too
        /// few examples for <paramref name="coverage"/>.</exception>
        public PredictionCalibrationFit Calibrate(Data.LabeledData validation, int samples, double coverage = 0.9, bool randomizedSets = false,
            System.Threading.CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(validation);
            RequireLikelihood(Dsl.Likelihood.Categorical);
            int[] labels = validation.ClassIndices();
            IReadOnlyList<ClassPrediction> raw;
            lock (gate)
            {
                var fitted = network.PredictionCalibration;
                network.PredictionCalibration = null;
                try
                {
                    raw = PredictBatch(validation, samples, cancellationToken);
                }
                finally
                {
                    network.PredictionCalibration = fitted;
                }
            }

            var probabilities = raw.Select(p => p.Probabilities).ToArray();
            var scores = probabilities.Select(LogProbabilities).ToArray();
            var temperature = Evaluation.TemperatureScaling.Fit(scores, labels);
            var tempered = scores.Select(temperature.Apply).ToArray();
            var sets = Evaluation.ConformalClassifier.Calibrate(tempered, labels, coverage, randomizedSets, new Random(unchecked((int)(seed ?? 0))));
            var calibration = new PredictionCalibration(temperature.Value, sets.Quantile, coverage, randomizedSets, samples);
            lock (gate)
            {
                network.PredictionCalibration = calibration;
            }

            return new PredictionCalibrationFit(calibration, Evaluation.Calibration.Evaluate(probabilities, labels), Evaluation.Calibration.Evaluate(tempered, labels), temperature, sets);
        }

        /// <summary>Saves the network with its standardization, class names and calibration (<see cref="NetworkFile.Save"/>).</summary>
        public void Save(string path)
        {
            lock (gate)
            {
                ObjectDisposedException.ThrowIf(disposed, this);
                NetworkFile.Save(network, path);
            }
        }

        private IReadOnlyList<ClassPrediction> Run(torch.Tensor batch, int samples, bool standardized = false, System.Threading.CancellationToken cancellationToken = default)
            => Predicting(batch, samples, standardized, Dsl.Likelihood.Categorical, inputs =>
            {
                var predictions = samples == 0 ? MeanNetwork(inputs, cancellationToken) : MonteCarlo(inputs, samples, cancellationToken);
                if (network.PredictionCalibration is { } calibration)
                {
                    var random = seed is { } value ? new Random(unchecked((int)value)) : Random.Shared;
                    predictions = Array.ConvertAll(predictions, p => Calibrated(p, calibration, random));
                }

                return network.ClassNames is { } names
                    ? Array.ConvertAll(predictions, p => p with { ClassName = names[p.Class] })
                    : predictions;
            });

        /// <summary>
        /// Whether <paramref name="data"/>'s features are standardized with the network's own statistics already (true) or raw
        /// (false); features standardized otherwise are refused.
        /// </summary>
        private bool IsStandardized(Data.LabeledData data)
        {
            bool prepared = data.StandardizedWith is not null;
            if (prepared && !Equals(data.StandardizedWith, network.InputStandardization))
            {
                throw new ArgumentException(network.InputStandardization is null
                    ? $"The data is standardized, but {Description.Name} takes raw inputs; pass the raw data."
                    : $"The data is standardized with other statistics than {Description.Name} was trained with; pass the raw data.", nameof(data));
            }

            return prepared;
        }

        /// <summary>
        /// What every prediction method does around its own computation: refuses a negative sample count and a method of
        /// another likelihood, then, one call at a time and without gradients, hands <paramref name="predict"/> the batch
        /// standardized as the training inputs were (as it is when <paramref name="standardized"/>).
        /// </summary>
        private T[] Predicting<T>(torch.Tensor batch, int samples, bool standardized, Dsl.Likelihood likelihood, Func<torch.Tensor, T[]> predict)
        {
            if (samples < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(samples), samples, "The number of Monte-Carlo samples must be 0 (the mean network) or more.");
            }

            RequireLikelihood(likelihood);
            lock (gate)
            {
                ObjectDisposedException.ThrowIf(disposed, this);
                using var noGrad = torch.no_grad();
                using var standardizedBatch = standardized ? null : network.InputStandardization?.Apply(batch);
                return predict(standardizedBatch ?? batch);
            }
        }

        /// <summary>Throws <see cref="InvalidOperationException"/> naming the method to call when the network has another likelihood.</summary>
        private void RequireLikelihood(Dsl.Likelihood likelihood)
        {
            var declared = Description.Likelihood;
            if (declared == likelihood || (likelihood == Dsl.Likelihood.Gaussian && Description.IsRegression))
            {
                return;
            }

            string use = declared switch
            {
                Dsl.Likelihood.Categorical => "Predict or PredictBatch (class probabilities)",
                Dsl.Likelihood.Bernoulli => "PredictLabels (per-label probabilities)",
                _ => "PredictTargets (means, variances and intervals)",
            };
            throw new InvalidOperationException($"{Description.Name} has the {declared} likelihood; predict with {use}.");
        }

        /// <summary>
        /// Hands <paramref name="consume"/> the network's outputs [chunk, outputs] for every chunk of <paramref name="inputs"/>
        /// (standardized already) and every weight sample: once from the mean network when <paramref name="samples"/> is 0,
        /// else S times, one whole weight sample after another, drawn from the predictor's seed. The outputs belong to a
        /// dispose scope that ends when <paramref name="consume"/> returns.
        /// </summary>
        private void ForEachOutput(torch.Tensor inputs, int samples, System.Threading.CancellationToken cancellationToken, Action<long, torch.Tensor> consume)
        {
            long count = inputs.shape[0];
            var device = network.Device;
            void Chunks(TNetwork source)
            {
                for (long start = 0; start < count; start += examplesPerChunk)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var scope = torch.NewDisposeScope();
                    long size = Math.Min(examplesPerChunk, count - start);
                    var (outputs, _) = source.call(inputs.narrow(0, start, size).to(device));
                    consume(start, outputs);
                }
            }

            if (samples == 0)
            {
                Chunks(network);
                return;
            }

            var (target, weightSampler) = SamplingNetwork();
            using var generator = seed is { } value ? new torch.Generator(unchecked((ulong)value)) : null;
            for (int sample = 0; sample < samples; sample++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                weightSampler.Draw(generator);
                Chunks(target);
            }
        }

        private ClassPrediction[] MeanNetwork(torch.Tensor batch, System.Threading.CancellationToken cancellationToken)
        {
            long count = batch.shape[0];
            var predictions = new ClassPrediction[count];
            var device = network.Device;
            for (long start = 0; start < count; start += examplesPerChunk)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = torch.NewDisposeScope();
                long size = Math.Min(examplesPerChunk, count - start);
                var (logits, _) = network.call(batch.narrow(0, start, size).to(device));
                var probabilities = torch.nn.functional.softmax(logits, 1).to(torch.float32, torch.CPU).contiguous();
                float[] values = probabilities.data<float>().ToArray();
                int classes = (int)probabilities.shape[1];
                for (long i = 0; i < size; i++)
                {
                    var row = values.AsSpan((int)(i * classes), classes).ToArray();
                    predictions[start + i] = new ClassPrediction(Evaluation.ScoreChecks.ArgMax(row), row, 0, null, null);
                }
            }

            return predictions;
        }

        private ClassPrediction[] MonteCarlo(torch.Tensor batch, int samples, System.Threading.CancellationToken cancellationToken)
        {
            var (target, weightSampler) = SamplingNetwork();
            long count = batch.shape[0];
            var device = network.Device;
            using var generator = seed is { } value ? new torch.Generator(unchecked((ulong)value)) : null;
            using var probabilitySums = torch.zeros(count, Description.Classes, dtype: torch.float64);
            using var entropySums = torch.zeros(count, dtype: torch.float64);
            for (int sample = 0; sample < samples; sample++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                weightSampler.Draw(generator);
                for (long start = 0; start < count; start += examplesPerChunk)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var scope = torch.NewDisposeScope();
                    long size = Math.Min(examplesPerChunk, count - start);
                    var (logits, _) = target.call(batch.narrow(0, start, size).to(device));
                    var logProbabilities = torch.nn.functional.log_softmax(logits, 1).to(torch.float64, torch.CPU);
                    var probabilities = logProbabilities.exp();
                    probabilitySums.narrow(0, start, size).add_(probabilities);
                    entropySums.narrow(0, start, size).sub_(probabilities.mul(logProbabilities).sum(1));
                }
            }

            using var mean = probabilitySums.div(samples);
            using var entropy = mean.clamp_min(1e-300).log().mul_(mean).sum(1).neg_();
            using var expectedEntropy = entropySums.div(samples);
            double[] means = mean.contiguous().data<double>().ToArray();
            double[] entropies = entropy.contiguous().data<double>().ToArray();
            double[] expected = expectedEntropy.contiguous().data<double>().ToArray();
            int classes = Description.Classes;
            var predictions = new ClassPrediction[count];
            for (long i = 0; i < count; i++)
            {
                var row = new float[classes];
                for (int k = 0; k < classes; k++)
                {
                    row[k] = (float)means[i * classes + k];
                }

                predictions[i] = new ClassPrediction(Evaluation.ScoreChecks.ArgMax(row), row, samples, entropies[i], Math.Max(0, entropies[i] - expected[i]));
            }

            return predictions;
        }

        private (TNetwork Target, WeightSampler Sampler) SamplingNetwork()
        {
            if (sampledNetwork is null || sampler is null)
            {
                sampledNetwork = TNetwork.Create(network.Device);
                sampledNetwork.eval();
                sampler = new WeightSampler(network, sampledNetwork);
            }

            return (sampledNetwork, sampler);
        }

        /// <inheritdoc/>
        public void Dispose()
        {
            lock (gate)
            {
                if (disposed)
                {
                    return;
                }

                disposed = true;
                sampler?.Dispose();
                sampledNetwork?.Dispose();
                network.Dispose();
            }
        }

        private static PredictionOptions Validated(PredictionOptions? options)
        {
            options ??= new PredictionOptions();
            if (options.MemoryBudgetBytes < 1 << 20)
            {
                throw new ArgumentOutOfRangeException(nameof(options), options.MemoryBudgetBytes,
                    $"PredictionOptions.MemoryBudgetBytes = {options.MemoryBudgetBytes} is too small: give at least 1 MiB (1048576).");
            }

            return options;
        }

        private static TNetwork CopyOf(TNetwork trained)
        {
            ArgumentNullException.ThrowIfNull(trained);
            var copy = TNetwork.Create(trained.Device);
            WeightSampler.CopyState(trained, copy);
            copy.InputStandardization = trained.InputStandardization;
            copy.ClassNames = trained.ClassNames;
            copy.PredictionCalibration = trained.PredictionCalibration;
            copy.TargetStandardization = trained.TargetStandardization;
            return copy;
        }

        /// <summary>softmax(log p / T), its entropy for a Monte-Carlo prediction, and the prediction set when there is a threshold.</summary>
        private static ClassPrediction Calibrated(ClassPrediction prediction, PredictionCalibration calibration, Random random)
        {
            var row = calibration.Temperature == 1
                ? prediction.Probabilities.ToArray()
                : new Evaluation.Temperature(calibration.Temperature, 0, double.NaN, double.NaN).Apply(LogProbabilities(prediction.Probabilities));
            double? entropy = prediction.PredictiveEntropy is null ? null : -row.Where(p => p > 0).Sum(p => p * Math.Log(p));
            var set = calibration.SetThreshold is { } threshold
                ? new Evaluation.ConformalClassifier(threshold, calibration.SetCoverage!.Value, calibration.RandomizedSets, 0).PredictionSet(row, random)
                : null;
            return prediction with { Class = Evaluation.ScoreChecks.ArgMax(row), Probabilities = row, PredictiveEntropy = entropy, PredictionSet = set };
        }

        /// <summary>log p per class, each probability floored at 10⁻³⁰ (a float32 softmax can underflow to 0).</summary>
        private static float[] LogProbabilities(IReadOnlyList<float> probabilities)
            => probabilities.Select(p => MathF.Log(MathF.Max(p, 1e-30f))).ToArray();
    }
}
