using System;
using System.Linq;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace Ibex.Runtime.Tests.Layers;

/// <summary>
/// The layer capabilities added through the generator's layer rules, against the same computation written out with plain
/// TorchSharp: dilation and groups rebuilt by hand (a zero-stuffed kernel, one convolution per group), LayerNorm, GELU,
/// SiLU and LeakyReLU from their formulas, projection shortcuts as a strided subsample and a matrix product.
/// </summary>
public sealed class LayerKindTests
{
    private const int Draws = 40_000;

    public LayerKindTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void EvalForwardOfTheNewerLayerKindsMatchesTheirFormulas()
    {
        using var scope = NewDisposeScope();
        using var network = new ModernBlocksNetwork();
        var stem = (StochasticConv2dLayer)network.Stem;
        var stemNorm = (LayerNormLayer)network.StemNorm;
        var down = (StochasticConv2dLayer)network.Down;
        var shortcut = (Conv2dLayer)network.Shortcut;
        var hidden = (DenseLayer)network.Hidden;
        var hiddenNorm = (LayerNormLayer)network.HiddenNorm;
        var widen = (DenseLayer)network.Widen;
        var scores = (StochasticDenseLayer)network.Scores;
        using (no_grad())
        {
            foreach (var norm in new[] { stemNorm, hiddenNorm })
            {
                norm.Weight.normal_(1, 0.3);
                norm.Bias.normal_(0, 0.3);
            }
        }

        var x = randn(6, 4, 16, 16);
        network.eval();
        var (logits, information) = network.call(x.reshape(6, 1024));

        var h = ReferenceConvolution(x, stem.Weight, stem.Bias, stride: 1, padding: 2, dilation: 2, groups: 1);
        h = ReferenceLayerNorm(h, stemNorm.Weight, stemNorm.Bias, 1e-5);
        h = where(h >= 0, h, h * 0.1);
        var blockStart = h;
        h = ReferenceConvolution(h, down.Weight, down.Bias, stride: 2, padding: 1, dilation: 1, groups: 4);
        h = h * 0.5 * (1 + (h / Math.Sqrt(2)).erf());
        var subsampled = blockStart[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(0, null, 2), TensorIndex.Slice(0, null, 2)];
        h = h + einsum("oc,bchw->bohw", shortcut.Weight.reshape(16, 8), subsampled);
        h = h.mean(new long[] { 2, 3 });
        var pooled = h;
        h = h.matmul(hidden.Weight.t()) + hidden.Bias!;
        h = ReferenceLayerNorm(h, hiddenNorm.Weight, hiddenNorm.Bias, 1e-6);
        h = h * h.sigmoid();
        h = h + pooled.matmul(widen.Weight.t());
        h = where(h >= 0, h, h * 0.01);
        var expected = h.matmul(scores.Weight.t()) + scores.Bias!;

        Assert.Equal(new long[] { 16, 2, 3, 3 }, down.Weight.shape);
        Assert.Equal(new long[] { 16, 8, 1, 1 }, shortcut.Weight.shape);
        Assert.True(allclose(logits, expected, rtol: 1e-4, atol: 1e-5),
            $"the generated eval forward must equal the formulas (largest difference {(logits - expected).abs().max().item<float>():G3})");
        Assert.Equal(0f, information.item<float>());
    }

    [Fact]
    public void EveryParameterOfTheNewerLayerKindsIsTrainedAndCountedOnce()
    {
        using var scope = NewDisposeScope();
        using var network = new ModernBlocksNetwork();
        var listed = network.LogAlphaParameters().Concat(network.MeanParameters()).Select(p => p.Handle).ToList();
        var registered = network.parameters().Select(p => p.Handle).ToList();
        Assert.Equal(registered.Count, listed.Count);
        Assert.Equal(registered.OrderBy(h => h.ToInt64()), listed.OrderBy(h => h.ToInt64()));

        network.train();
        var (logits, information) = network.call(randn(8, 1024));
        (cross_entropy(logits, randint(10, new long[] { 8 })) + information * 1e-3).backward();
        foreach (var parameter in network.parameters())
        {
            Assert.True(parameter.grad is { } grad && grad.abs().sum().item<float>() > 0, "every parameter, the shortcut projections' and LayerNorm's included, must get a gradient");
        }

        Assert.Equal(new[] { 16 * 8L, 16 * 24L }, network.Description.Layers.Where(l => l.Kind == "Residual").Select(l => l.WeightCount));
    }

    [Fact]
    public void GroupedDilatedConvolutionMomentsMatchTheClosedForm()
    {
        using var scope = NewDisposeScope();
        using var network = new GroupedDilatedProbe();
        var layer = (StochasticConv2dLayer)network.Convolve;
        Assert.Equal(new long[] { 4, 2, 3, 3 }, layer.Weight.shape);
        Assert.Equal(new long[] { 4, 1, 1, 1 }, layer.LogAlpha.shape);
        using (no_grad())
        {
            layer.LogAlpha.uniform_(-4, -0.5);
            layer.Weight.normal_(0, 1);
            ((DenseLayer)network.Readout).Weight.copy_(eye(100));
        }

        var x = randn(1, 4, 5, 5);
        network.train();
        Tensor samples;
        using (no_grad())
        {
            samples = network.call(x.reshape(1, 100).expand(Draws, 100)).Logits;
        }

        var alpha = layer.LogAlpha.detach().exp();
        var expectedMean = ReferenceConvolution(x, layer.Weight.detach(), layer.Bias!.detach(), stride: 1, padding: 2, dilation: 2, groups: 2)
            .reshape(100).to_type(float64).data<double>().ToArray();
        var expectedVariance = ReferenceConvolution(x.square(), layer.Weight.detach().square().mul(alpha.expm1()), null, stride: 1, padding: 2, dilation: 2, groups: 2)
            .reshape(100).to_type(float64).data<double>().ToArray();
        var moments = Statistics.Moments(samples);
        for (int output = 0; output < 100; output++)
        {
            Statistics.AssertWithin(expectedMean[output], moments.Mean[output], moments.MeanError[output], 5, $"mean of output {output}");
            Statistics.AssertWithin(expectedVariance[output], moments.Variance[output], moments.VarianceError[output] + 1e-12, 5, $"variance of output {output}");
        }

        // One α per output channel stands for that channel's (4 / 2)·3·3 = 18 weights: Ĩ = Σ_c 18·½·(log α_max − ρ_c).
        double expectedNats = layer.LogAlpha.detach().to_type(float64).data<double>().Sum(rho => 18 * 0.5 * (Math.Log(4.0) - rho));
        Assert.Equal(expectedNats, network.Information().item<float>(), 2);
    }

    /// <summary>
    /// A convolution with dilation and groups built from plain ones: the kernel with d − 1 zeros between its taps, and each
    /// group's channels convolved with its own filters.
    /// </summary>
    private static Tensor ReferenceConvolution(Tensor x, Tensor weight, Tensor? bias, int stride, int padding, int dilation, int groups)
    {
        long outPerGroup = weight.shape[0] / groups;
        long inPerGroup = weight.shape[1];
        long kernel = weight.shape[2];
        long span = dilation * (kernel - 1) + 1;
        var stuffed = zeros(weight.shape[0], inPerGroup, span, span);
        for (int i = 0; i < kernel; i++)
        {
            for (int j = 0; j < kernel; j++)
            {
                stuffed.index_put_(weight[TensorIndex.Colon, TensorIndex.Colon, i, j], TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Single(i * dilation), TensorIndex.Single(j * dilation));
            }
        }

        var parts = Enumerable.Range(0, groups).Select(g => conv2d(x.narrow(1, g * inPerGroup, inPerGroup), stuffed.narrow(0, g * outPerGroup, outPerGroup),
            strides: new long[] { stride, stride }, padding: new long[] { padding, padding })).ToArray();
        var output = cat(parts, 1);
        return bias is null ? output : output + bias.reshape(1, -1, 1, 1);
    }

    /// <summary>(x − mean)/√(biased variance + ε)·γ + β over all of each example's dimensions.</summary>
    private static Tensor ReferenceLayerNorm(Tensor x, Tensor weight, Tensor bias, double epsilon)
    {
        var dims = Enumerable.Range(1, (int)x.dim() - 1).Select(d => (long)d).ToArray();
        var mean = x.mean(dims, keepdim: true);
        var variance = (x - mean).square().mean(dims, keepdim: true);
        return (x - mean) / (variance + epsilon).sqrt() * weight + bias;
    }
}
