using System;
using System.Linq;
using Ibex.Runtime.Evaluation;
using Xunit;
using static TorchSharp.torch;

namespace Ibex.Runtime.Tests.Evaluation;

public sealed class TemperatureScalingTests
{
    public TemperatureScalingTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void TheFittedTemperatureIsTheOneTheLabelsWereDrawnWith()
    {
        var random = new Random();
        const int n = 20000;
        double truth = 0.5 + 2.5 * random.NextDouble();
        var logits = Draws.Logits(random, n, 10, 3);
        int[] labels = logits.Select(z => Draws.Sample(random, Draws.Softmax(z, 1 / truth))).ToArray();

        var fitted = TemperatureScaling.Fit(logits, labels);

        Assert.True(Math.Abs(fitted.Value / truth - 1) < 0.08, $"fitted T = {fitted.Value:F3}, drawn with {truth:F3}");
        Assert.Equal(n, fitted.Examples);
        // The fit minimizes the sample's NLL: no lower at the true temperature, and lower than at T = 1.
        Assert.True(fitted.NegativeLogLikelihoodAfter <= TemperatureScaling.NegativeLogLikelihood(logits, labels, 1 / truth) + 1e-9);
        Assert.True(fitted.NegativeLogLikelihoodAfter <= fitted.NegativeLogLikelihoodBefore);

        using var scope = NewDisposeScope();
        var z = tensor(logits.SelectMany(r => r).ToArray(), new long[] { n, 10 }).to_type(ScalarType.Float64);
        var y = tensor(labels.Select(l => (long)l).ToArray());
        Assert.Equal(nn.functional.cross_entropy(z.div(fitted.Value), y).item<double>(), fitted.NegativeLogLikelihoodAfter, 9);
        Assert.Equal(nn.functional.cross_entropy(z, y).item<double>(), fitted.NegativeLogLikelihoodBefore, 9);
    }

    [Fact]
    public void ApplyIsTheSoftmaxOfTheScoresOverTAndKeepsTheTopClass()
    {
        var random = new Random();
        var temperature = new Temperature(0.2 + 4 * random.NextDouble(), 1, double.NaN, double.NaN);
        foreach (var logits in Draws.Logits(random, 50, random.Next(2, 20), 4))
        {
            var applied = temperature.Apply(logits);
            var expected = Draws.Softmax(logits, 1 / temperature.Value);
            for (int k = 0; k < logits.Length; k++)
            {
                Assert.Equal(expected[k], applied[k], 5);
            }

            Assert.Equal(Array.IndexOf(logits, logits.Max()), Array.IndexOf(applied, applied.Max()));
        }
    }
}
