using System;
using System.Linq;
using Ibex.Runtime.Likelihoods;
using Ibex.Runtime.Native;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Likelihoods;

/// <summary>
/// <see cref="NegativeLogLikelihood.Mean"/> against the densities written out in double precision, on fresh random outputs
/// and targets: the Gaussian with the learned or the predicted variance, and the Bernoulli summed over labels.
/// </summary>
public sealed class NegativeLogLikelihoodTests
{
    public NegativeLogLikelihoodTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void TheHomoscedasticGaussianIsTheNormalDensityWithTheLearnedVariance()
    {
        var random = new Random();
        using var network = new HomoscedasticRegressor();
        double logVariance = random.NextDouble() * 4 - 2;
        using (torch.no_grad())
        {
            network.NoiseLogVariance!.fill_(logVariance);
        }

        int batch = random.Next(5, 40);
        double[] mu = Draw(random, batch, 3), y = Draw(random, batch, 3);
        using var outputs = torch.tensor(mu.Select(v => (float)v).ToArray(), new long[] { batch, 1 });
        using var targets = torch.tensor(y.Select(v => (float)v).ToArray(), new long[] { batch, 1 });

        double expected = Enumerable.Range(0, batch).Average(i => GaussianNll(y[i], mu[i], logVariance));
        using var nll = NegativeLogLikelihood.Mean(network, outputs, targets);
        Assert.Equal(expected, nll.item<float>(), 4e-6 * Math.Max(1, Math.Abs(expected)));
    }

    [Fact]
    public void TheHeteroscedasticGaussianReadsMeansThenLogVariancesAndSumsOverTargets()
    {
        var random = new Random();
        using var network = new HeteroscedasticRegressor();
        int batch = random.Next(5, 40);
        // Outputs [B, 4]: μ₁, μ₂, log σ²₁, log σ²₂.
        double[] outputs = Draw(random, batch * 4, 2), y = Draw(random, batch * 2, 3);
        using var outputTensor = torch.tensor(outputs.Select(v => (float)v).ToArray(), new long[] { batch, 4 });
        using var targets = torch.tensor(y.Select(v => (float)v).ToArray(), new long[] { batch, 2 });

        double expected = Enumerable.Range(0, batch).Average(i =>
            GaussianNll(y[2 * i], outputs[4 * i], outputs[4 * i + 2]) + GaussianNll(y[2 * i + 1], outputs[4 * i + 1], outputs[4 * i + 3]));
        using var nll = NegativeLogLikelihood.Mean(network, outputTensor, targets);
        Assert.Equal(expected, nll.item<float>(), 4e-6 * Math.Max(1, Math.Abs(expected)));
    }

    [Fact]
    public void TheBernoulliIsTheBinaryCrossEntropySummedOverLabels()
    {
        var random = new Random();
        using var network = new MultiLabelNetwork();
        int batch = random.Next(5, 40);
        double[] scores = Draw(random, batch * 3, 4);
        float[] labels = Enumerable.Range(0, batch * 3).Select(_ => (float)random.Next(2)).ToArray();
        using var outputs = torch.tensor(scores.Select(v => (float)v).ToArray(), new long[] { batch, 3 });
        using var targets = torch.tensor(labels, new long[] { batch, 3 });

        double expected = Enumerable.Range(0, batch).Average(i => Enumerable.Range(0, 3).Sum(j =>
        {
            double p = 1 / (1 + Math.Exp(-scores[3 * i + j]));
            return -(labels[3 * i + j] * Math.Log(p) + (1 - labels[3 * i + j]) * Math.Log(1 - p));
        }));
        using var nll = NegativeLogLikelihood.Mean(network, outputs, targets);
        Assert.Equal(expected, nll.item<float>(), 4e-6 * Math.Max(1, Math.Abs(expected)));

        // Exact match: an example counts when all three labels are right at p = ½.
        int hits = Enumerable.Range(0, batch).Count(i => Enumerable.Range(0, 3).All(j => (scores[3 * i + j] > 0) == (labels[3 * i + j] == 1)));
        using var counted = NegativeLogLikelihood.Hits(network.Description, outputs, targets);
        Assert.Equal(hits, counted.item<double>());
    }

    [Fact]
    public void APredictedVarianceIsClampedSoTheLossStaysFinite()
    {
        using var network = new HeteroscedasticRegressor();
        using var outputs = torch.tensor(new float[] { 0.5f, 0, -200, 200 }, new long[] { 1, 4 });
        using var targets = torch.tensor(new float[] { 0.5f, 1e3f }, new long[] { 1, 2 });
        using var nll = NegativeLogLikelihood.Mean(network, outputs, targets);
        double expected = GaussianNll(0.5, 0.5, NegativeLogLikelihood.MinLogVariance) + GaussianNll(1e3, 0, NegativeLogLikelihood.MaxLogVariance);
        Assert.Equal(expected, nll.item<float>(), 1e-4 * Math.Abs(expected));
    }

    private static double GaussianNll(double y, double mean, double logVariance)
        => 0.5 * (Math.Log(2 * Math.PI) + logVariance + (y - mean) * (y - mean) / Math.Exp(logVariance));

    private static double[] Draw(Random random, int count, double scale)
        => Enumerable.Range(0, count).Select(_ => (random.NextDouble() * 2 - 1) * scale).ToArray();
}
