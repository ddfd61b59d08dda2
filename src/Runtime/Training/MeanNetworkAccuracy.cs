using System;
using Ibex.Runtime.Data;
using TorchSharp;

namespace Ibex.Runtime.Training
{
    /// <summary>The mean network's correct classifications (noise off, ε ≡ 1), in chunks whose activations fit a memory budget.</summary>
    internal static class MeanNetworkAccuracy
    {
        /// <summary>How many of the <paramref name="count"/> examples from <paramref name="start"/> the mean network classifies right (see <see cref="InformationTrainer.Evaluate"/>).</summary>
        public static long CountCorrect(InformationNetwork network, LabeledData data, long start, long count, int batchSize, long memoryBudgetBytes)
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
                    correct += (long)Likelihoods.NegativeLogLikelihood.Hits(network.Description, logits, labels).item<double>();
                }

                return correct;
            }
            finally
            {
                network.train(wasTraining);
            }
        }
    }
}
