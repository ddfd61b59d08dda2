using Ibex.Runtime.Kernels;
using TorchSharp;
using Xunit;
using static TorchSharp.torch.nn.functional;

namespace Ibex.Runtime.Tests.Kernels;

/// <summary>The mean network's BatchNorm folded into the convolution before it computes what the two layers compute.</summary>
public sealed class BatchNormFoldingTests
{
    public BatchNormFoldingTests() => TorchNative.EnsureLoaded();

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public void AFoldedConvolutionEqualsTheConvolutionFollowedByBatchNormWithRunningStatistics(bool hasBias, long groups)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(7, 4, 9, 9);
        var weight = torch.randn(6, 4 / groups, 3, 3);
        var bias = hasBias ? torch.randn(6) : null;
        var (gamma, beta) = (torch.randn(6), torch.randn(6));
        var (mean, variance) = (torch.randn(6), torch.rand(6).add(0.1));
        double epsilon = 1e-3;

        var expected = batch_norm(conv2d(x, weight, bias, padding: new long[] { 1, 1 }, groups: groups), mean, variance, gamma, beta, training: false, eps: epsilon);
        var (foldedWeight, foldedBias) = BatchNormFolding.Fold(weight, bias, gamma, beta, mean, variance, epsilon);
        var folded = conv2d(x, foldedWeight, foldedBias, padding: new long[] { 1, 1 }, groups: groups);

        Assert.True(torch.allclose(folded, expected, rtol: 1e-4, atol: 1e-4 * expected.abs().max().item<float>()), "the folded convolution differs from convolution then BatchNorm");
    }
}
