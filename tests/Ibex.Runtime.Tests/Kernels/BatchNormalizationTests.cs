using System;
using Ibex.Runtime.Kernels;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Ibex.Runtime.Tests.Kernels;

/// <summary>
/// <see cref="BatchNormalization"/> against libtorch's <c>batch_norm</c> in training, both measured against the same
/// computation in float64: its output, running statistics and gradients are at least about as accurate as libtorch's own
/// float32 ones, on random shapes, offsets and scales.
/// </summary>
public sealed class BatchNormalizationTests
{
    public BatchNormalizationTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void OutputRunningStatisticsAndGradientsAreAsAccurateAsLibTorchs()
    {
        var random = new Random();
        for (int draw = 0; draw < 16; draw++)
        {
            using var scope = NewDisposeScope();
            long batch = random.Next(1, 7), channels = random.Next(1, 6), height = random.Next(1, 12), width = random.Next(2, 12);
            // Channels far from zero check that the variance keeps its digits; small and large spreads both occur.
            var offset = randn(1, channels, 1, 1) * Math.Pow(10, random.Next(0, 3));
            var spread = rand(1, channels, 1, 1) * Math.Pow(10, random.Next(-1, 2)) + 0.05;
            var input = (randn(batch, channels, height, width) * spread + offset).to_type(ScalarType.Float32);
            var gamma = randn(channels) * 0.5 + 1;
            var beta = randn(channels);
            var upstream = randn(batch, channels, height, width);
            var runningMean = randn(channels);
            var runningVariance = rand(channels) + 0.5;
            double momentum = random.NextDouble();
            bool inputNeedsGrad = draw % 4 != 3;
            string shape = $"[{batch}, {channels}, {height}, {width}], momentum {momentum:F3}";

            var ours = Run(input, gamma, beta, upstream, runningMean, runningVariance, momentum, inputNeedsGrad, fused: true);
            var theirs = Run(input, gamma, beta, upstream, runningMean, runningVariance, momentum, inputNeedsGrad, fused: false);
            var exact = Run(input.to_type(ScalarType.Float64), gamma.to_type(ScalarType.Float64), beta.to_type(ScalarType.Float64), upstream.to_type(ScalarType.Float64),
                runningMean.to_type(ScalarType.Float64), runningVariance.to_type(ScalarType.Float64), momentum, inputNeedsGrad, fused: false);
            for (int part = 0; part < exact.Length; part++)
            {
                if (exact[part] is null)
                {
                    Assert.Null(ours[part]);
                    continue;
                }

                double ourError = MaxError(ours[part]!, exact[part]!);
                double theirError = MaxError(theirs[part]!, exact[part]!);
                double magnitude = exact[part]!.abs().max().item<double>();
                Assert.True(ourError <= Math.Max(4 * theirError, 2e-6 * (1 + magnitude)),
                    $"{Parts[part]} for {shape}: error {ourError:E2} against float64, libtorch's {theirError:E2} (values up to {magnitude:G3})");
            }
        }
    }

    [Fact]
    public void WithoutAutogradItNormalizesAndUpdatesTheRunningStatistics()
    {
        using var scope = NewDisposeScope();
        var input = randn(4, 3, 5, 6) * 3 + 2;
        var (mean, variance) = (zeros(3), ones(3));
        Tensor output;
        using (no_grad())
        {
            output = BatchNormalization.Train(input, mean, variance, ones(3), zeros(3), momentum: 1, epsilon: 1e-5);
        }

        // With momentum 1 the running statistics are the batch's: mean, and the unbiased variance.
        Assert.True(allclose(mean, input.mean(new long[] { 0, 2, 3 }), rtol: 1e-5, atol: 1e-5));
        Assert.True(allclose(variance, input.var(new long[] { 0, 2, 3 }, unbiased: true), rtol: 1e-5, atol: 1e-5));
        var perChannel = output.transpose(0, 1).reshape(3, -1);
        Assert.True(allclose(perChannel.mean(new long[] { 1 }), zeros(3), rtol: 0, atol: 1e-5));
        Assert.True(allclose(perChannel.var(new long[] { 1 }, unbiased: false), ones(3), rtol: 1e-4, atol: 0));
    }

    // TrainRectified masks inside Train's own passes, so it must give relu(Train(…)) to the last bit: the same y, and back
    // the same sums over the masked gradient that relu's backward hands Train.
    [Fact]
    public void RectifiedIsReluOfTrainToTheLastBit()
    {
        var random = new Random();
        for (int draw = 0; draw < 12; draw++)
        {
            using var scope = NewDisposeScope();
            long batch = random.Next(1, 6), channels = random.Next(1, 5), height = random.Next(1, 10), width = random.Next(2, 10);
            var input = (randn(batch, channels, height, width) * (rand(1, channels, 1, 1) * 3 + 0.1) + randn(1, channels, 1, 1)).to_type(ScalarType.Float32);
            var (gamma, beta, upstream) = (randn(channels) * 0.5 + 1, randn(channels), randn(batch, channels, height, width));
            var (runningMean, runningVariance) = (randn(channels), rand(channels) + 0.5);
            double momentum = random.NextDouble();
            bool inputNeedsGrad = draw % 3 != 2;
            var fused = Run(input, gamma, beta, upstream, runningMean, runningVariance, momentum, inputNeedsGrad, Norm.Rectified);
            var separate = Run(input, gamma, beta, upstream, runningMean, runningVariance, momentum, inputNeedsGrad, Norm.TrainThenRelu);
            Assert.True(fused[0]!.lt(0).sum().item<long>() == 0, "a rectified output below zero");
            for (int part = 0; part < fused.Length; part++)
            {
                Assert.Equal(separate[part] is null, fused[part] is null);
                if (fused[part] is { } actual)
                {
                    Assert.True(actual.eq(separate[part]!).all().item<bool>(),
                        $"{Parts[part]} for [{batch}, {channels}, {height}, {width}]: max |Δ| {(actual - separate[part]!).abs().max().item<float>():E2}");
                }
            }
        }
    }

    [Fact]
    public void RectifiedKeepsNaNAndFallsBackToLibTorchWhereItCannotFuse()
    {
        using var scope = NewDisposeScope();
        var input = randn(3, 2, 4, 5);
        input[1, 0, 2, 3] = tensor(float.NaN);
        Tensor output;
        using (no_grad())
        {
            output = BatchNormalization.TrainRectified(input, zeros(2), ones(2), ones(2), zeros(2), momentum: 0.1, epsilon: 1e-5);
        }

        // Channel 0's statistics are NaN, so all of it is; channel 1 is finite and ≥ 0.
        Assert.True(output[.., 0].isnan().all().item<bool>(), "relu turned NaN into a number");
        Assert.True(output[.., 1].ge(0).all().item<bool>());

        // float64 is not fused: libtorch's batch_norm and relu.
        var doubles = randn(3, 2, 4, 5, dtype: ScalarType.Float64).requires_grad_(true);
        var (weight, bias) = (rand(2, dtype: ScalarType.Float64) + 0.5, randn(2, dtype: ScalarType.Float64));
        var fallback = BatchNormalization.TrainRectified(doubles, zeros(2, dtype: ScalarType.Float64), ones(2, dtype: ScalarType.Float64), weight, bias, momentum: 0.1, epsilon: 1e-5);
        var expected = nn.functional.relu(nn.functional.batch_norm(doubles, zeros(2, dtype: ScalarType.Float64), ones(2, dtype: ScalarType.Float64), weight, bias, training: true, momentum: 0.1, eps: 1e-5));
        Assert.True(fallback.eq(expected).all().item<bool>());
        Assert.True(fallback.requires_grad);
    }

    private static readonly string[] Parts = { "output", "running mean", "running variance", "input gradient", "γ gradient", "β gradient" };

    private enum Norm { LibTorch, Train, Rectified, TrainThenRelu }

    private static Tensor?[] Run(Tensor input, Tensor gamma, Tensor beta, Tensor upstream, Tensor runningMean, Tensor runningVariance, double momentum,
        bool inputNeedsGrad, bool fused)
        => Run(input, gamma, beta, upstream, runningMean, runningVariance, momentum, inputNeedsGrad, fused ? Norm.Train : Norm.LibTorch);

    private static Tensor?[] Run(Tensor input, Tensor gamma, Tensor beta, Tensor upstream, Tensor runningMean, Tensor runningVariance, double momentum,
        bool inputNeedsGrad, Norm norm)
    {
        var x = input.detach().clone().requires_grad_(inputNeedsGrad);
        var weight = gamma.detach().clone().requires_grad_(true);
        var bias = beta.detach().clone().requires_grad_(true);
        var (mean, variance) = (runningMean.clone(), runningVariance.clone());
        var output = norm switch
        {
            Norm.Train => BatchNormalization.Train(x, mean, variance, weight, bias, momentum, epsilon: 1e-5),
            Norm.Rectified => BatchNormalization.TrainRectified(x, mean, variance, weight, bias, momentum, epsilon: 1e-5),
            Norm.TrainThenRelu => nn.functional.relu(BatchNormalization.Train(x, mean, variance, weight, bias, momentum, epsilon: 1e-5)),
            _ => nn.functional.batch_norm(x, mean, variance, weight, bias, training: true, momentum: momentum, eps: 1e-5),
        };
        var differentiated = inputNeedsGrad ? new[] { x, weight, bias } : new[] { weight, bias };
        var gradients = autograd.grad(new[] { output }, differentiated, new[] { upstream });
        return inputNeedsGrad
            ? new Tensor?[] { output.detach(), mean, variance, gradients[0], gradients[1], gradients[2] }
            : new Tensor?[] { output.detach(), mean, variance, null, gradients[0], gradients[1] };
    }

    private static double MaxError(Tensor actual, Tensor exact) => (actual.to_type(ScalarType.Float64) - exact).abs().max().item<double>();
}
