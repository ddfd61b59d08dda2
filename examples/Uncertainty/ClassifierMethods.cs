using System;
using System.Collections.Generic;
using System.Linq;
using Ibex.Runtime;
using Ibex.Runtime.Prediction;
using TorchSharp;

namespace Ibex.Examples.Uncertainty;

/// <summary>
/// A method's predictive on a batch of images: the class probabilities p̄ (the mean over its samples), the predictive
/// entropy H[p̄] and, for methods that sample, the mutual information H[p̄] − mean_s H[p_s] (nats).
/// </summary>
internal sealed record ClassPredictive(float[][] Probabilities, double[] Entropy, double[]? MutualInformation);

/// <summary>One of the compared methods, trained.</summary>
internal interface IClassifierMethod : IDisposable
{
    string Name { get; }

    double TrainingSeconds { get; }

    ClassPredictive Predict(torch.Tensor images);
}

/// <summary>
/// The baselines, from plain networks: one network (deterministic), the mean of several (a deep ensemble, Lakshminarayanan
/// et al. 2017), or one network with dropout left on, sampled S times (MC dropout, Gal &amp; Ghahramani 2016).
/// </summary>
internal sealed class SampledClassifier(string name, IReadOnlyList<InformationNetwork> members, int dropoutSamples, double trainingSeconds) : IClassifierMethod
{
    public string Name => name;

    public double TrainingSeconds => trainingSeconds;

    public ClassPredictive Predict(torch.Tensor images)
    {
        using var noGrad = torch.no_grad();
        long count = images.shape[0];
        var draws = new List<(InformationNetwork Network, bool DropoutOn)>();
        foreach (var member in members)
        {
            draws.AddRange(Enumerable.Repeat((member, dropoutSamples > 0), Math.Max(1, dropoutSamples)));
        }

        using var probabilitySums = torch.zeros(count, 10, dtype: torch.float64);
        using var entropySums = torch.zeros(count, dtype: torch.float64);
        foreach (var (network, dropoutOn) in draws)
        {
            // Training mode runs the dropout masks; these networks have no BatchNorm, so nothing else changes.
            network.train(dropoutOn);
            for (long start = 0; start < count; start += 1000)
            {
                using var scope = torch.NewDisposeScope();
                long size = Math.Min(1000, count - start);
                var (logits, _) = network.call(images.narrow(0, start, size));
                var logP = torch.nn.functional.log_softmax(logits, 1).to(torch.float64);
                var p = logP.exp();
                probabilitySums.narrow(0, start, size).add_(p);
                entropySums.narrow(0, start, size).sub_(p.mul(logP).sum(1));
            }

            network.eval();
        }

        using var mean = probabilitySums.div(draws.Count);
        using var entropy = mean.clamp_min(1e-300).log().mul_(mean).sum(1).neg_();
        double[] entropies = entropy.data<double>().ToArray();
        double[] expected = entropySums.div(draws.Count).data<double>().ToArray();
        double[] flat = mean.contiguous().data<double>().ToArray();
        var probabilities = Enumerable.Range(0, (int)count).Select(i => flat.Skip(i * 10).Take(10).Select(v => (float)v).ToArray()).ToArray();
        var information = draws.Count > 1 ? entropies.Select((h, i) => Math.Max(0, h - expected[i])).ToArray() : null;
        return new ClassPredictive(probabilities, entropies, information);
    }

    public void Dispose()
    {
        foreach (var member in members)
        {
            member.Dispose();
        }
    }
}

/// <summary>An Ibex network through its <see cref="Predictor{TNetwork}"/>: S whole weight samples from q(w).</summary>
internal sealed class IbexClassifier<TNetwork>(string name, TNetwork network, int samples, double trainingSeconds) : IClassifierMethod
    where TNetwork : InformationNetwork, IInformationNetworkFactory<TNetwork>
{
    private readonly Predictor<TNetwork> predictor = new(network);

    public string Name => name;

    public double TrainingSeconds => trainingSeconds;

    public ClassPredictive Predict(torch.Tensor images)
    {
        var predictions = predictor.PredictBatch(images, samples);
        return new ClassPredictive(
            predictions.Select(p => p.Probabilities.ToArray()).ToArray(),
            predictions.Select(p => p.PredictiveEntropy!.Value).ToArray(),
            predictions.Select(p => p.MutualInformation!.Value).ToArray());
    }

    public void Dispose()
    {
        predictor.Dispose();
        network.Dispose();
    }
}
