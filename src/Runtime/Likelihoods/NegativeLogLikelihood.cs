using System;
using Ibex.Dsl;
using TorchSharp;

namespace Ibex.Runtime.Likelihoods
{
    /// <summary>
    /// The data term of the weights' Information Bottleneck Lagrangian, the mean negative log-likelihood
    /// <c>−(1/B)·Σ_n log p(y_n | x_n, w)</c> in nats, for each <see cref="Likelihood"/> (Achille &amp; Soatto, JMLR 2018,
    /// eq. 3, where the cross-entropy is the categorical case):
    /// <list type="bullet">
    /// <item>Categorical: <c>−log softmax(s)_y</c>.</item>
    /// <item>Gaussian: <c>Σ_t ½·(log 2π + log σ²_t + (y_t − μ_t)² / σ²_t)</c>, log σ² the network's <see cref="InformationNetwork.NoiseLogVariance"/>.</item>
    /// <item>HeteroscedasticGaussian: the same with μ and log σ²(x) the two halves of the outputs.</item>
    /// <item>Bernoulli: <c>Σ_j −[y_j·log σ(s_j) + (1 − y_j)·log(1 − σ(s_j))]</c>, summed over the labels.</item>
    /// </list>
    /// </summary>
    public static class NegativeLogLikelihood
    {
        /// <summary>½·log 2π.</summary>
        private const double HalfLogTwoPi = 0.91893853320467274178;

        /// <summary>The smallest log σ² a predicted variance is clamped to, so that a log-variance output cannot make the loss −∞.</summary>
        public const double MinLogVariance = -13.815510557964274; // log 1e-6

        /// <summary>The largest log σ² a predicted variance is clamped to.</summary>
        public const double MaxLogVariance = 13.815510557964274; // log 1e6

        /// <summary>
        /// The mean NLL over the batch of <paramref name="outputs"/> [B, outputs] against <paramref name="labels"/>: class
        /// indices int64 [B] for a classifier, targets float [B, T] otherwise.
        /// </summary>
        public static torch.Tensor Mean(InformationNetwork network, torch.Tensor outputs, torch.Tensor labels)
        {
            ArgumentNullException.ThrowIfNull(network);
            var description = network.Description;
            switch (description.Likelihood)
            {
                case Likelihood.Categorical:
                    return torch.nn.functional.cross_entropy(outputs, labels);
                case Likelihood.Bernoulli:
                    return torch.nn.functional.binary_cross_entropy_with_logits(outputs, labels, reduction: torch.nn.Reduction.Sum).div_(outputs.shape[0]);
                default:
                    using (var scope = torch.NewDisposeScope())
                    {
                        var (mean, logVariance) = GaussianParameters(network, outputs);
                        var squared = labels.sub(mean).square();
                        var perValue = logVariance.add(squared.mul(logVariance.neg().exp())).mul(0.5).add(HalfLogTwoPi);
                        return perValue.sum().div(outputs.shape[0]).MoveToOuterDisposeScope();
                    }
            }
        }

        /// <summary>
        /// The Gaussian's mean μ [B, T] and log σ² [B, T] (broadcastable) from the outputs of a regression network: the outputs
        /// and the learned <see cref="InformationNetwork.NoiseLogVariance"/>, or the outputs' two halves, log σ² clamped to
        /// [<see cref="MinLogVariance"/>, <see cref="MaxLogVariance"/>].
        /// </summary>
        public static (torch.Tensor Mean, torch.Tensor LogVariance) GaussianParameters(InformationNetwork network, torch.Tensor outputs)
        {
            var description = network.Description;
            if (description.Likelihood == Likelihood.Gaussian)
            {
                var logVariance = network.NoiseLogVariance
                    ?? throw new InvalidOperationException($"{description.Name} declares the Gaussian likelihood but has no noise variance; rebuild it with the current Ibex generator.");
                return (outputs, logVariance.clamp(MinLogVariance, MaxLogVariance).unsqueeze(0));
            }

            if (description.Likelihood == Likelihood.HeteroscedasticGaussian)
            {
                int targets = description.Targets;
                return (outputs.narrow(1, 0, targets), outputs.narrow(1, targets, targets).clamp(MinLogVariance, MaxLogVariance));
            }

            throw new InvalidOperationException($"{description.Name} has the {description.Likelihood} likelihood, not a Gaussian one.");
        }

        /// <summary>
        /// The examples of a batch predicted right, as a float64 scalar tensor: the class of highest score (categorical), or
        /// every label at once at p = ½ (Bernoulli: the exact-match or subset accuracy). A Gaussian likelihood has no
        /// accuracy: 0, and <see cref="HasAccuracy"/> is false.
        /// </summary>
        public static torch.Tensor Hits(NetworkDescription description, torch.Tensor outputs, torch.Tensor labels)
        {
            ArgumentNullException.ThrowIfNull(description);
            return description.Likelihood switch
            {
                Likelihood.Categorical => outputs.argmax(1).eq(labels).sum().to(torch.float64),
                Likelihood.Bernoulli => outputs.gt(0).to(labels.dtype).eq(labels).all(1).sum().to(torch.float64),
                _ => torch.zeros(Array.Empty<long>(), dtype: torch.float64, device: outputs.device),
            };
        }

        /// <summary>Whether examples are predicted right or wrong (a classifier, a multi-label network); a regression network's are not.</summary>
        public static bool HasAccuracy(NetworkDescription description) => !description.IsRegression;
    }
}
