using System;
using Ibex.Runtime.Kernels;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Ibex.Runtime.Tests.Kernels;

/// <summary>
/// <see cref="MaxPooling"/> gives what libtorch's <c>max_pool2d</c> gives, forward and back, bit for bit: the same
/// maxima, ties to the first position, NaN winning its window, the gradient to the winner alone and zeros for the rows
/// and columns no window covers.
/// </summary>
public sealed class MaxPoolingTests
{
    public MaxPoolingTests() => TorchNative.EnsureLoaded();

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(1, 1)]
    [InlineData(4, 4)]
    [InlineData(3, 2)]
    [InlineData(2, 1)]
    public void ForwardAndBackwardAreLibTorchsOnRandomShapesWithTiesAndNaNs(int kernel, int stride)
    {
        var random = new Random();
        for (int draw = 0; draw < 12; draw++)
        {
            using var scope = NewDisposeScope();
            long batch = random.Next(1, 5), channels = random.Next(1, 6);
            // Widths from below one vector of windows to several, odd and even, so every loop and remainder runs.
            long height = random.Next(kernel, 40), width = random.Next(kernel, 40);
            // Few distinct values make ties common; a sprinkle of NaNs checks that they win as in libtorch.
            var values = randint(0, 5, new[] { batch, channels, height, width }).to_type(ScalarType.Float32);
            values = where(rand_like(values) < 0.02, full_like(values, double.NaN), values);
            string shape = $"[{batch}, {channels}, {height}, {width}], kernel {kernel}, stride {stride}";

            var ours = values.detach().requires_grad_(true);
            var theirs = values.detach().requires_grad_(true);
            var pooled = MaxPooling.Pool2d(ours, kernel, stride);
            var expected = nn.functional.max_pool2d(theirs, new long[] { kernel, kernel }, new long[] { stride, stride });
            Assert.Equal(expected.shape, pooled.shape);
            Assert.True(SameValues(expected, pooled), $"forward differs for {shape}");

            var upstream = randn_like(expected);
            var ourGrad = autograd.grad(new[] { pooled }, new[] { ours }, new[] { upstream })[0];
            var theirGrad = autograd.grad(new[] { expected }, new[] { theirs }, new[] { upstream })[0];
            Assert.True(SameValues(theirGrad, ourGrad), $"gradient differs for {shape}");

            using (no_grad())
            {
                Assert.True(SameValues(expected, MaxPooling.Pool2d(values, kernel, stride)), $"forward without autograd differs for {shape}");
            }
        }
    }

    [Fact]
    public void EachWindowPassesItsGradientToOnePosition()
    {
        using var scope = NewDisposeScope();
        var input = randn(8, 3, 12, 12).requires_grad_(true);
        var pooled = MaxPooling.Pool2d(input, 2, 2);
        pooled.square().sum().backward();
        // d/dx Σ max² = 2·max at each window's winner, 0 elsewhere: exactly one nonzero per window of random normals.
        var grad = input.grad!;
        var winners = grad.ne(0).to_type(ScalarType.Int64).view(8, 3, 6, 2, 6, 2).sum(new long[] { 3, 5 });
        Assert.True(winners.eq(1).all().item<bool>(), "each 2×2 window must pass its gradient to one position");
        var expected = pooled.detach().mul(2);
        var passed = grad.view(8, 3, 6, 2, 6, 2).sum(new long[] { 3, 5 });
        Assert.True(allclose(expected, passed, rtol: 1e-6, atol: 0));
    }

    private static bool SameValues(Tensor expected, Tensor actual)
        => expected.isnan().equal(actual.isnan()).all().item<bool>()
           && where(expected.isnan(), zeros_like(expected), expected).equal(where(actual.isnan(), zeros_like(actual), actual)).all().item<bool>();
}
