using System;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Kernels;

/// <summary>
/// paper.md §6, item 3: the local-reparameterization output of a stochastic dense layer has mean x·ŵ + b and variance
/// x²·(ŵ²·(e^α − 1)), the same first two moments as sampling every weight directly.
/// </summary>
public sealed class LocalReparameterizationTests
{
    private const int Draws = 200_000;

    public LocalReparameterizationTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void OutputMomentsMatchTheClosedFormAndDirectPerWeightSampling()
    {
        using var scope = torch.NewDisposeScope();
        using var network = new SingleLayerNetwork();
        var layer = (StochasticDenseLayer)network.Scores;
        var settings = network.Description.Information;
        using (torch.no_grad())
        {
            layer.LogAlpha.uniform_(-3, 0.8);
            layer.Weight.normal_(0, 1);
        }

        var x = torch.randn(1, 6);

        // Local reparameterization: one forward over Draws copies of x; each row is an independent draw.
        network.train();
        torch.Tensor lrt;
        using (torch.no_grad())
        {
            lrt = network.call(x.expand(Draws, 6)).Logits;
        }

        // Direct: a fresh ŵ·ε for every draw.
        var weights = LogNormalNoise.Sample(layer.LogAlpha.detach().unsqueeze(0).expand(Draws, 4, 6).contiguous()).mul(layer.Weight.detach());
        var direct = weights.matmul(x.reshape(1, 6, 1)).squeeze(-1) + layer.Bias!.detach();

        var alpha = layer.LogAlpha.detach().clamp(settings.MinLogAlpha, Math.Log(settings.AlphaMax)).exp();
        var expectedMean = torch.nn.functional.linear(x, layer.Weight.detach(), layer.Bias!.detach()).squeeze(0).to_type(torch.float64).data<double>().ToArray();
        var expectedVariance = torch.nn.functional.linear(x.square(), layer.Weight.detach().square() * alpha.expm1()).squeeze(0).to_type(torch.float64).data<double>().ToArray();

        var lrtMoments = Statistics.Moments(lrt);
        var directMoments = Statistics.Moments(direct);
        for (int unit = 0; unit < 4; unit++)
        {
            Statistics.AssertWithin(expectedMean[unit], lrtMoments.Mean[unit], lrtMoments.MeanError[unit], 5, $"LRT mean of unit {unit}");
            Statistics.AssertWithin(expectedVariance[unit], lrtMoments.Variance[unit], lrtMoments.VarianceError[unit], 5, $"LRT variance of unit {unit}");
            Statistics.AssertWithin(expectedMean[unit], directMoments.Mean[unit], directMoments.MeanError[unit], 5, $"direct-sampling mean of unit {unit}");
            Statistics.AssertWithin(expectedVariance[unit], directMoments.Variance[unit], directMoments.VarianceError[unit], 5, $"direct-sampling variance of unit {unit}");
            double combinedVarianceError = Math.Sqrt(Math.Pow(lrtMoments.VarianceError[unit], 2) + Math.Pow(directMoments.VarianceError[unit], 2));
            Statistics.AssertWithin(directMoments.Variance[unit], lrtMoments.Variance[unit], combinedVarianceError, 5, $"LRT against direct variance of unit {unit}");
        }
    }

    [Fact]
    public void EvalModeIsTheDeterministicMeanNetwork()
    {
        using var scope = torch.NewDisposeScope();
        using var network = new SingleLayerNetwork();
        var layer = (StochasticDenseLayer)network.Scores;
        using (torch.no_grad())
        {
            layer.LogAlpha.fill_(0.5);
        }

        var x = torch.randn(32, 6);
        network.eval();
        var first = network.call(x).Logits;
        var second = network.call(x).Logits;
        var mean = torch.nn.functional.linear(x, layer.Weight, layer.Bias);

        Assert.True(first.Equals(second), "eval mode must not sample noise");
        Assert.True(torch.allclose(first, mean, rtol: 1e-5, atol: 1e-6));

        network.train();
        var noisy = network.call(x).Logits;
        Assert.False(torch.allclose(noisy, mean, rtol: 1e-3, atol: 1e-3), "training mode must sample noise at α = e^0.5");
    }

    [Fact]
    public void ScoresAreRowMajorThoughTheFusedLayersWorkOneRowPerUnit()
    {
        using var scope = torch.NewDisposeScope();
        using var network = new SmallClassifier();
        network.train();
        var logits = network.call(torch.randn(24, 16)).Logits;

        Assert.Equal(new long[] { 24, 4 }, logits.shape);
        Assert.True(logits.is_contiguous(), "the scores must be row-major, so that view() and the data pointer work as users expect");
        Assert.Equal(new long[] { 24, 4 }, logits.view(96).view(24, 4).shape);

        network.eval();
        Assert.True(network.call(torch.randn(24, 16)).Logits.is_contiguous(), "the mean network's scores must be row-major too");
    }
}
