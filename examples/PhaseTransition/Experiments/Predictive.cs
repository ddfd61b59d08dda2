using System;
using Ibex.Runtime;
using Ibex.Runtime.Data;
using Ibex.Runtime.Training;
using TorchSharp;

namespace Ibex.Examples.PhaseTransition
{
    /// <summary>
    /// The Monte-Carlo predictive <c>p(y|x) ≈ (1/S)·Σ_s softmax(f(x; w_s))</c> with the weight noise on, and what it says
    /// about uncertainty: the predictive entropy <c>H[p̄]</c> and the mutual information between the prediction and the
    /// weights, <c>H[p̄] − (1/S)·Σ_s H[p_s]</c> (in nats). The S samples run as one batch of S copies of every example, not
    /// as an S-times loop; the local reparameterization draws independent noise for every copy.
    /// </summary>
    /// <remarks>
    /// It runs the training-mode forward pass, as the paper's random-label experiment measures it: BatchNorm normalizes
    /// with the batch's statistics (and updates its running ones), Dropout and Information Dropout are on, and a result
    /// depends on the batch. To predict with a trained network, use <see cref="Prediction.Predictor{TNetwork}"/>, which
    /// leaves the network unchanged and gives every example the same result in any batch.
    /// </remarks>
    public static class Predictive
    {
        /// <summary>The predictive for a batch of inputs.</summary>
        /// <returns>Mean class probabilities [B, K], predictive entropy [B] and mutual information [B].</returns>
        public static (torch.Tensor MeanProbabilities, torch.Tensor PredictiveEntropy, torch.Tensor MutualInformation) Predict(
            InformationNetwork network, torch.Tensor inputs, int samples)
        {
            if (samples < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(samples), samples, "The Monte-Carlo predictive needs at least one sample.");
            }

            bool wasTraining = network.training;
            network.train();
            try
            {
                using var noGrad = torch.no_grad();
                using var scope = torch.NewDisposeScope();
                long batch = inputs.shape[0];
                var repeated = inputs.unsqueeze(0).expand(samples, batch, inputs.shape[1]).reshape(samples * batch, inputs.shape[1]);
                var (logits, _) = network.call(repeated);
                var logProbabilities = torch.nn.functional.log_softmax(logits.reshape(samples, batch, -1), dim: 2);
                var probabilities = logProbabilities.exp();
                var mean = probabilities.mean(new long[] { 0 });
                var entropy = Entropy(mean);
                var expectedEntropy = -(probabilities * logProbabilities).sum(new long[] { 2 }).mean(new long[] { 0 });
                var mutualInformation = (entropy - expectedEntropy).clamp_min(0);
                return (mean.MoveToOuterDisposeScope(), entropy.MoveToOuterDisposeScope(), mutualInformation.MoveToOuterDisposeScope());
            }
            finally
            {
                network.train(wasTraining);
            }
        }

        /// <summary>Accuracy, mean predictive entropy and mean mutual information of the predictive over a data set.</summary>
        public static (double Accuracy, double MeanEntropy, double MeanMutualInformation) Evaluate(InformationNetwork network, LabeledData data, int samples, int batchSize = 500)
        {
            var device = network.Device;
            long correct = 0;
            double entropySum = 0, informationSum = 0;
            for (long start = 0; start < data.Count; start += batchSize)
            {
                using var scope = torch.NewDisposeScope();
                long size = Math.Min(batchSize, data.Count - start);
                var inputs = data.Features.narrow(0, start, size).to(device);
                var labels = data.Labels.narrow(0, start, size).to(device);
                var (mean, entropy, mutualInformation) = Predict(network, inputs, samples);
                correct += mean.argmax(1).eq(labels).sum().item<long>();
                entropySum += entropy.sum().to(torch.float64).item<double>();
                informationSum += mutualInformation.sum().to(torch.float64).item<double>();
            }

            return (correct / (double)data.Count, entropySum / data.Count, informationSum / data.Count);
        }

        private static torch.Tensor Entropy(torch.Tensor probabilities)
            => -(probabilities * probabilities.clamp_min(1e-30).log()).sum(new long[] { -1 });
    }
}
