using System;
using System.Collections.Generic;
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
                        probabilities[j] = (float)means[at];
                        present[j] = means[at] > 0.5;
                        h[j] = entropies[at];
                        information[j] = Math.Max(0, entropies[at] - expectedEntropies[at]);
                    }

                    predictions[i] = samples == 0
                        ? new LabelPrediction(probabilities, present, 0, null, null)
                        : new LabelPrediction(probabilities, present, samples, h, information);
                }

                return predictions;
            });

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
