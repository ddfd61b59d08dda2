using System;
using Ibex.Runtime.Kernels;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Layers;

/// <summary>
/// paper.md §2.3: a stochastic convolution's local-reparameterization output has mean conv(x, ŵ) + b and variance
/// conv(x², ŵ²·v(α)), v = e^α − 1 for log-normal and α for Gaussian noise; the same first two moments as sampling every
/// filter weight directly.
/// </summary>
public sealed class ConvolutionTests
{
    private const int Draws = 100_000;
    private static readonly long[] Stride = { 2, 2 };
    private static readonly long[] Padding = { 1, 1 };

    public ConvolutionTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void LogNormalConvolutionMomentsMatchTheClosedFormAndDirectSampling()
    {
        using var network = new ConvolutionProbe();
        CheckMoments(network, (StochasticConv2dLayer)network.Convolve, (DenseLayer)network.Readout,
            alpha => alpha.expm1(),
            (logAlpha, draws) => LogNormalNoise.Sample(logAlpha.unsqueeze(0).expand(draws, 3, 2, 3, 3).contiguous()),
            maxLogAlpha: Math.Log(network.Description.Information.AlphaMax));
    }

    [Fact]
    public void GaussianPerChannelConvolutionMomentsMatchTheClosedFormAndDirectSampling()
    {
        using var network = new GaussianConvolutionProbe();
        var layer = (StochasticConv2dLayer)network.Convolve;
        Assert.Equal(new long[] { 3, 1, 1, 1 }, layer.LogAlpha.shape);
        CheckMoments(network, layer, (DenseLayer)network.Readout,
            alpha => alpha,
            (logAlpha, draws) => torch.randn(new long[] { draws, 3, 2, 3, 3 }).mul(logAlpha.exp().sqrt()).add(1.0),
            maxLogAlpha: 8);
    }

    private static void CheckMoments(InformationNetwork network, StochasticConv2dLayer layer, DenseLayer readout,
        Func<torch.Tensor, torch.Tensor> varianceFactor, Func<torch.Tensor, int, torch.Tensor> sampleEpsilon, double maxLogAlpha)
    {
        using var scope = torch.NewDisposeScope();
        using (torch.no_grad())
        {
            // α ≤ e^−0.5: beyond α ≈ 1 directly sampled log-normal weights are so heavy-tailed that the sample's fourth
            // moment, and so the standard error of its variance, is itself badly underestimated at this sample size.
            layer.LogAlpha.uniform_(-4, -0.5);
            layer.Weight.normal_(0, 1);
            readout.Weight.copy_(torch.eye(27));
        }

        var x = torch.randn(1, 2, 5, 5);
        network.train();
        torch.Tensor lrt;
        using (torch.no_grad())
        {
            lrt = network.call(x.reshape(1, 50).expand(Draws, 50)).Logits;
        }

        // Direct: Draws independent noisy filter banks, stacked as output channels of one convolution.
        var logAlpha = layer.LogAlpha.detach().clamp(-10, maxLogAlpha);
        var filters = sampleEpsilon(logAlpha, Draws).mul(layer.Weight.detach()).reshape(Draws * 3, 2, 3, 3);
        var direct = torch.nn.functional.conv2d(x, filters, strides: Stride, padding: Padding).reshape(Draws, 3, 9)
            .add(layer.Bias!.detach().reshape(1, 3, 1)).reshape(Draws, 27);

        var expectedMean = torch.nn.functional.conv2d(x, layer.Weight.detach(), layer.Bias!.detach(), strides: Stride, padding: Padding)
            .reshape(27).to_type(torch.float64).data<double>().ToArray();
        var expectedVariance = torch.nn.functional.conv2d(x.square(), layer.Weight.detach().square().mul(varianceFactor(logAlpha.exp())), strides: Stride, padding: Padding)
            .reshape(27).to_type(torch.float64).data<double>().ToArray();

        var lrtMoments = Statistics.Moments(lrt);
        var directMoments = Statistics.Moments(direct);
        for (int output = 0; output < 27; output++)
        {
            Statistics.AssertWithin(expectedMean[output], lrtMoments.Mean[output], lrtMoments.MeanError[output], 5, $"LRT mean of output {output}");
            Statistics.AssertWithin(expectedVariance[output], lrtMoments.Variance[output], lrtMoments.VarianceError[output], 5, $"LRT variance of output {output}");
            Statistics.AssertWithin(expectedMean[output], directMoments.Mean[output], directMoments.MeanError[output], 5, $"direct mean of output {output}");
            Statistics.AssertWithin(expectedVariance[output], directMoments.Variance[output], directMoments.VarianceError[output], 5, $"direct variance of output {output}");
        }
    }

    [Fact]
    public void EvalModeConvolutionIsTheMeanFilterBank()
    {
        using var scope = torch.NewDisposeScope();
        using var network = new ConvolutionProbe();
        var layer = (StochasticConv2dLayer)network.Convolve;
        using (torch.no_grad())
        {
            layer.LogAlpha.fill_(0.5);
            ((DenseLayer)network.Readout).Weight.copy_(torch.eye(27));
        }

        var x = torch.randn(16, 2, 5, 5);
        network.eval();
        var scores = network.call(x.reshape(16, 50)).Logits;
        var expected = torch.nn.functional.conv2d(x, layer.Weight, layer.Bias, strides: Stride, padding: Padding).flatten(1);

        Assert.True(torch.allclose(scores, expected, rtol: 1e-5, atol: 1e-5));
        Assert.Equal(new long[] { 3, 2, 3, 3 }, layer.LogAlpha.shape);
    }

    [Fact]
    public void PerUnitAlphaCountsEveryWeightOfTheUnitInTheInformation()
    {
        using var scope = torch.NewDisposeScope();
        using var network = new GaussianConvolutionProbe();
        var layer = (StochasticConv2dLayer)network.Convolve;
        var rho = torch.empty(3, 1, 1, 1, dtype: torch.float64).uniform_(-9, 7);
        using (torch.no_grad())
        {
            layer.LogAlpha.copy_(rho);
        }

        // Each channel's α is shared by its 2·3·3 = 18 weights; the sparse-VD KL counts all of them.
        double perWeight = InformationTerms.SparseVdWeightNats(rho.expand(3, 2, 3, 3).contiguous()).item<double>();
        var noisy = Assert.Single(network.StochasticLayers());

        Assert.Equal(18, noisy.WeightsPerAlpha);
        Assert.Equal(54, noisy.Weights);
        Assert.Equal(perWeight, network.Information().item<float>(), perWeight * 1e-5);
        Assert.Equal(perWeight, noisy.Information().item<float>(), perWeight * 1e-5);
    }
}
