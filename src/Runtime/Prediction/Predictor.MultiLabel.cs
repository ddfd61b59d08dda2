using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace Ibex.Runtime.Prediction
{
    public sealed partial class Predictor<TNetwork>
    {
        /// <summary>Predicts a multi-label network's labels for one array of raw features per example (<see cref="LabelPrediction"/>).</summary>
        /// <param name="examples">One array of <see cref="NetworkDescription.InputFeatures"/> raw features per example.</param>
        /// <param name="samples">Monte-Carlo weight samples S; 0 for the mean network alone.</param>
        /// <exception cref="InvalidOperationException">The network is no multi-label network.</exception>
        public IReadOnlyList<LabelPrediction> PredictLabels(float[][] examples, int samples)
        {
            ArgumentNullException.ThrowIfNull(examples);
            using var batch = PredictionInputs.FromRows(examples, Description);
            return RunLabels(batch, samples, standardized: false, default);
        }

        /// <summary>Predicts a multi-label network's labels for the examples of a tensor, flat or shaped as declared.</summary>
        public IReadOnlyList<LabelPrediction> PredictLabels(torch.Tensor inputs, int samples)
        {
            ArgumentNullException.ThrowIfNull(inputs);
            using var batch = PredictionInputs.FromTensor(inputs, Description);
            return RunLabels(batch, samples, standardized: false, default);
        }

        /// <summary>Predicts a multi-label network's labels for every example of <paramref name="data"/> (its labels are not read).</summary>
        public IReadOnlyList<LabelPrediction> PredictLabels(Data.LabeledData data, int samples, System.Threading.CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(data);
            bool prepared = IsStandardized(data);
            using var batch = PredictionInputs.FromTensor(data.Features, Description);
            return RunLabels(batch, samples, prepared, cancellationToken);
        }

        /// <summary>
        /// Fits one temperature per label on held-out examples and applies them to every later prediction: T_j minimizes the
        /// binary cross-entropy of <paramref name="validation"/>'s label j under σ(logit(p̄_j) / T_j), p̄ the predictive with
        /// <paramref name="samples"/> weight samples (the mean network for 0). A label whose probabilities are too sure gets
        /// T &gt; 1, one that hedges too much T &lt; 1; which side of ½ a probability lies on never changes. Use examples the
        /// network was not trained on, and not the test set you report; <see cref="Save"/> keeps the temperatures.
        /// </summary>
        /// <returns>Each label's fit, with its held-out cross-entropy before and after.</returns>
        /// <exception cref="ArgumentException">The data does not fit the network.</exception>
        /// <exception cref="InvalidOperationException">The network is no multi-label network.</exception>
        public IReadOnlyList<Evaluation.Temperature> CalibrateLabels(Data.LabeledData validation, int samples, System.Threading.CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(validation);
            RequireLikelihood(Dsl.Likelihood.Bernoulli);
            validation.Validate(Description, "calibration data");
            IReadOnlyList<LabelPrediction> raw;
            lock (gate)
            {
                var fitted = network.PredictionCalibration;
                network.PredictionCalibration = fitted is null ? null : fitted with { LabelTemperatures = null };
                try
                {
                    raw = PredictLabels(validation, samples, cancellationToken);
                }
                finally
                {
                    network.PredictionCalibration = fitted;
                }
            }

            var truth = validation.PresentLabels();
            var temperatures = new Evaluation.Temperature[Description.Targets];
            for (int j = 0; j < temperatures.Length; j++)
            {
                int label = j;
                var scores = raw.Select(p => (IReadOnlyList<float>)OutcomeLogProbabilities(p.Probabilities[label])).ToArray();
                var present = truth.Select(row => row[label] ? 1 : 0).ToArray();
                temperatures[j] = Evaluation.TemperatureScaling.Fit(scores, present);
            }

            lock (gate)
            {
                var current = network.PredictionCalibration ?? new PredictionCalibration(1.0, Samples: samples);
                network.PredictionCalibration = current with { LabelTemperatures = temperatures.Select(t => t.Value).ToArray(), Samples = samples };
            }

            return temperatures;
        }

        /// <summary>[log(1 − p), log p], each probability floored at 10⁻³⁰: the label's two outcomes as a classifier's scores.</summary>
        private static float[] OutcomeLogProbabilities(double p)
            => new[] { (float)Math.Log(Math.Max(1 - p, 1e-30)), (float)Math.Log(Math.Max(p, 1e-30)) };

        private LabelPrediction[] RunLabels(torch.Tensor batch, int samples, bool standardized, System.Threading.CancellationToken cancellationToken)
            => Predicting(batch, samples, standardized, Dsl.Likelihood.Bernoulli, inputs =>
            {
                long count = inputs.shape[0];
                int labels = Description.Targets;
                using var probabilitySums = torch.zeros(count, labels, dtype: torch.float64);
                using var entropySums = torch.zeros(count, labels, dtype: torch.float64);
                ForEachOutput(inputs, samples, cancellationToken, (start, outputs) =>
                {
                    var scores = outputs.to(torch.float64, torch.CPU);
                    long size = scores.shape[0];
                    var p = torch.sigmoid(scores);
                    probabilitySums.narrow(0, start, size).add_(p);
                    entropySums.narrow(0, start, size).add_(BinaryEntropy(p));
                });

                var temperatures = network.PredictionCalibration?.LabelTemperatures?.Select(t => new Evaluation.Temperature(t, 0, double.NaN, double.NaN)).ToArray();
                int draws = Math.Max(samples, 1);
                using var mean = probabilitySums.div(draws);
                using var entropy = BinaryEntropy(mean);
                using var expected = entropySums.div(draws);
                double[] means = mean.contiguous().data<double>().ToArray();
                double[] entropies = entropy.contiguous().data<double>().ToArray();
                double[] expectedEntropies = expected.contiguous().data<double>().ToArray();
                var predictions = new LabelPrediction[count];
                for (long i = 0; i < count; i++)
                {
                    var probabilities = new float[labels];
                    var present = new bool[labels];
                    var h = new double[labels];
                    var information = new double[labels];
                    for (int j = 0; j < labels; j++)
                    {
                        long at = i * labels + j;
                        double p = means[at];
                        if (temperatures is not null)
                        {
                            p = temperatures[j].Apply(OutcomeLogProbabilities(p))[1];
                        }

                        probabilities[j] = (float)p;
                        present[j] = p > 0.5;
                        h[j] = temperatures is null ? entropies[at] : BinaryEntropy(p);
                        // The epistemic part is the untempered predictive's: tempering rescales the answer, not what the
                        // weight samples disagree on.
                        information[j] = Math.Max(0, entropies[at] - expectedEntropies[at]);
                    }

                    predictions[i] = samples == 0
                        ? new LabelPrediction(probabilities, present, 0, null, null)
                        : new LabelPrediction(probabilities, present, samples, h, information);
                }

                return predictions;
            });

        /// <summary>−p·log p − (1 − p)·log(1 − p) in nats, 0 at p ∈ {0, 1}.</summary>
        private static double BinaryEntropy(double p)
            => -(p > 0 ? p * Math.Log(p) : 0) - (p < 1 ? (1 - p) * Math.Log(1 - p) : 0);

        /// <summary>The binary entropy −p·log p − (1 − p)·log(1 − p) in nats, element by element (0 at p ∈ {0, 1}).</summary>
        private static torch.Tensor BinaryEntropy(torch.Tensor p)
        {
            using var scope = torch.NewDisposeScope();
            var q = p.neg().add_(1);
            var h = p.xlogy(p).add_(q.xlogy(q)).neg_();
            return h.MoveToOuterDisposeScope();
        }
    }
}
