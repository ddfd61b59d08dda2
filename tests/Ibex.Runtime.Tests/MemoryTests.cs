using System;
using Ibex.Runtime.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Ibex.Runtime.Tests;

/// <summary>A training step leaves nothing behind: the live tensor count is the same after 2,000 steps as after 50.</summary>
public sealed class MemoryTests
{
    public MemoryTests() => TorchNative.EnsureLoaded();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TwoThousandTrainingStepsLeaveTheLiveTensorCountFlat(bool convolutional)
    {
        torch.manual_seed(Random.Shared.Next());
        using InformationNetwork network = convolutional ? new SoftplusDropoutNetwork() : new SmallClassifier();
        int features = convolutional ? 36 : 16;
        int classes = convolutional ? 3 : 4;
        using var optimizer = TrainingOptimizers.Create(network, new TrainingSettings());
        using var inputs = torch.randn(32, features);
        using var labels = torch.randint(0, classes, new long[] { 32 });
        long afterWarmup = 0;
        for (int step = 1; step <= 2000; step++)
        {
            using (var scope = torch.NewDisposeScope())
            {
                network.zero_grad();
                var (logits, information) = network.call(inputs);
                network.BackwardAndStep(nn.functional.cross_entropy(logits, labels) + information * 1e-4, optimizer);
            }

            if (step == 50)
            {
                afterWarmup = torch.Tensor.TotalCount;
            }
        }

        Assert.True(torch.Tensor.TotalCount <= afterWarmup, $"live tensors grew from {afterWarmup} after 50 steps to {torch.Tensor.TotalCount} after 2000");
    }
}
