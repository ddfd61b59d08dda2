using System;
using System.IO;
using System.Linq;
using Ibex.Runtime.Data;
using Ibex.Runtime.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch.nn.functional;

namespace Ibex.Runtime.Tests.Layers;

/// <summary>The generated forward of the non-noisy layers against the same computation written with plain TorchSharp.</summary>
public sealed class LayerTests
{
    public LayerTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void EvalForwardOfEveryLayerKindMatchesPlainTorchSharp()
    {
        using var scope = torch.NewDisposeScope();
        using var network = new PlainBlocksNetwork();
        var stem = (Conv2dLayer)network.Stem;
        var stemNorm = (BatchNormLayer)network.StemNorm;
        var inner = (StochasticConv2dLayer)network.Inner;
        var featureNorm = (BatchNormLayer)network.FeatureNorm;
        var scores = (StochasticDenseLayer)network.Scores;
        using (torch.no_grad())
        {
            foreach (var norm in new[] { stemNorm, featureNorm })
            {
                norm.RunningMean.normal_(0, 0.5);
                norm.RunningVariance.uniform_(0.5, 2);
                norm.Weight.normal_(1, 0.2);
                norm.Bias.normal_(0, 0.2);
            }
        }

        var x = torch.randn(5, 2, 8, 8);
        network.eval();
        var (logits, _) = network.call(x.reshape(5, 128));

        var h = conv2d(x, stem.Weight, stem.Bias, padding: new long[] { 1, 1 });
        h = batch_norm(h, stemNorm.RunningMean, stemNorm.RunningVariance, stemNorm.Weight, stemNorm.Bias, training: false);
        h = elu(h, alpha: 0.7);
        var shortcut = h;
        h = sigmoid(conv2d(h, inner.Weight, padding: new long[] { 1, 1 })) + shortcut;
        h = avg_pool2d(max_pool2d(h, new long[] { 2, 2 }, new long[] { 2, 2 }), new long[] { 2, 2 }, new long[] { 1, 1 });
        h = h.flatten(1);
        h = tanh(batch_norm(h, featureNorm.RunningMean, featureNorm.RunningVariance, featureNorm.Weight, featureNorm.Bias, training: false));
        var expected = linear(h, scores.Weight, scores.Bias);

        Assert.True(torch.allclose(logits, expected, rtol: 1e-4, atol: 1e-5), "the generated eval forward must equal the plain computation");
        Assert.Equal(new[] { 4, 3, 3 }, network.Description.Layers.Single(l => l.Name == "Smooth").OutputShape);
        Assert.Equal(36, network.Description.Layers.Single(l => l.Name == "Features").OutFeatures);
    }

    [Fact]
    public void BatchNormUsesBatchStatisticsInTrainingAndUpdatesItsRunningStatistics()
    {
        using var scope = torch.NewDisposeScope();
        using var network = new PlainBlocksNetwork();
        var stem = (Conv2dLayer)network.Stem;
        var norm = (BatchNormLayer)network.StemNorm;
        var x = torch.randn(16, 2, 8, 8).mul(2).add(1);
        var before = (Mean: norm.RunningMean.clone(), Variance: norm.RunningVariance.clone());

        network.train();
        using (torch.no_grad())
        {
            network.call(x.reshape(16, 128));
        }

        // Momentum 0.2: running ← 0.8·running + 0.2·batch statistic (the variance unbiased, as PyTorch does).
        var activations = conv2d(x, stem.Weight, stem.Bias, padding: new long[] { 1, 1 }).detach().transpose(0, 1).reshape(4, -1);
        var expectedMean = before.Mean.mul(0.8) + activations.mean(new long[] { 1 }).mul(0.2);
        var expectedVariance = before.Variance.mul(0.8) + activations.var(1, unbiased: true).mul(0.2);
        Assert.True(torch.allclose(norm.RunningMean, expectedMean, rtol: 1e-4, atol: 1e-5));
        Assert.True(torch.allclose(norm.RunningVariance, expectedVariance, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void ASmallStochasticCnnLearnsFashionMnistAndSavesItsBatchNormStatistics()
    {
        using var full = FashionMnist.LoadTrain();
        using var train = full.Take(6000);
        using var test = FashionMnist.LoadTest();
        torch.manual_seed(Random.Shared.Next());
        using var network = new SmallFashionCnn();
        var trainer = new InformationTrainer(network, new TrainingSettings { Epochs = 3, BatchSize = 100, Seed = Random.Shared.Next() });

        var reports = trainer.Fit(train, test);

        Assert.True(reports[^1].TestAccuracy > 0.75, $"test accuracy {reports[^1].TestAccuracy:F3} on the 10,000 test images; chance is 0.1");
        var norm = (BatchNormLayer)network.Norm;
        Assert.False(norm.RunningVariance.allclose(torch.ones(8)), "training must move the running variance");

        string path = Path.Combine(Path.GetTempPath(), $"ibex-cnn-{Guid.NewGuid():N}.ibexnet");
        try
        {
            Ibex.Runtime.Persistence.NetworkFile.Save(network, path);
            using var restored = new SmallFashionCnn();
            Ibex.Runtime.Persistence.NetworkFile.Load(restored, path);
            Assert.True(((BatchNormLayer)restored.Norm).RunningMean.Equals(norm.RunningMean), "the running mean must be saved with the weights");
            Assert.True(((BatchNormLayer)restored.Norm).RunningVariance.Equals(norm.RunningVariance), "the running variance must be saved with the weights");
            Assert.Equal(InformationTrainer.Evaluate(network, test), InformationTrainer.Evaluate(restored, test));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
