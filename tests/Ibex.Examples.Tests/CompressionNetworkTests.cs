using Ibex.Examples.Compression;
using Ibex.Runtime.Layers;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Ibex.Examples.Tests;

/// <summary>
/// The compression example's LeNet-5 (Gaussian noise), whose max poolings take a stochastic convolution's output directly:
/// the shape in which a fresh network's mean pass returned all-NaN logits on one machine (docs/compression.md).
/// </summary>
public sealed class CompressionNetworkTests
{
    public CompressionNetworkTests() => TorchNative.EnsureLoaded();

    /// <summary>
    /// The generated pass frees each pooling's input as soon as the pooling returns, inside the caller's dispose scope;
    /// batch after batch, fresh network after fresh network, the mean pass must stay libtorch's computation with the same
    /// weights, and a training step in between (the autograd path of the kernel) must leave finite gradients.
    /// </summary>
    [Fact]
    public void AGeneratedPassThatPoolsConvolutionsDirectlyStaysLibTorchsBatchAfterBatch()
    {
        for (int draw = 0; draw < 4; draw++)
        {
            using var network = new LeNet5Gaussian();
            var conv1 = (StochasticConv2dLayer)network.Conv1;
            var conv2 = (StochasticConv2dLayer)network.Conv2;
            var hidden = (StochasticDenseLayer)network.Hidden;
            var scores = (StochasticDenseLayer)network.Scores;
            for (int batch = 0; batch < 12; batch++)
            {
                using var scope = NewDisposeScope();
                var images = rand(128, 784);
                network.eval();
                var (logits, _) = network.call(images);
                Tensor expected;
                using (no_grad())
                {
                    var h = nn.functional.conv2d(images.reshape(-1, 1, 28, 28), conv1.Weight, conv1.Bias);
                    h = nn.functional.max_pool2d(h, new long[] { 2, 2 }, new long[] { 2, 2 });
                    h = nn.functional.max_pool2d(nn.functional.conv2d(h, conv2.Weight, conv2.Bias), new long[] { 2, 2 }, new long[] { 2, 2 });
                    h = nn.functional.relu(nn.functional.linear(h.flatten(1), hidden.Weight, hidden.Bias));
                    expected = nn.functional.linear(h, scores.Weight, scores.Bias);
                }

                Assert.False(logits.isnan().any().item<bool>(), $"network {draw}, batch {batch}: NaN logits from the mean pass");
                Assert.True(allclose(logits, expected, rtol: 1e-5, atol: 1e-5), $"network {draw}, batch {batch}: the mean pass differs from libtorch's");

                network.train();
                var (sampled, information) = network.call(images);
                nn.functional.cross_entropy(sampled, randint(0, 10, new long[] { 128 })).add(information.div(60000)).backward();
                foreach (var parameter in network.parameters())
                {
                    Assert.True(parameter.grad!.isfinite().all().item<bool>(), $"network {draw}, batch {batch}: a gradient is not finite");
                }

                network.zero_grad();
            }
        }
    }
}
