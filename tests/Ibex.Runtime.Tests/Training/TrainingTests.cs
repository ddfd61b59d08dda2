using System;
using System.IO;
using System.Linq;
using Ibex.Runtime.Data;
using Ibex.Runtime.Training;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Training;

public sealed class TrainingTests
{
    public TrainingTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void ASmallGeneratedNetworkLearnsSyntheticClassesWellAboveChance()
    {
        using var data = SyntheticClusters(examples: 2400, seed: Random.Shared.Next());
        using var train = data.Take(2000);
        using var test = new LabeledData(data.Features.narrow(0, 2000, 400).clone(), data.Labels.narrow(0, 2000, 400).clone());
        using var network = new SmallClassifier();
        var trainer = new InformationTrainer(network, new TrainingSettings { Epochs = 15, BatchSize = 100, Seed = Random.Shared.Next() });

        var reports = trainer.Fit(train, test);

        Assert.Equal(15, reports.Count);
        Assert.True(reports[^1].TestAccuracy > 0.8, $"test accuracy {reports[^1].TestAccuracy:F3}; chance is 0.25");
        Assert.True(reports[^1].CrossEntropy < reports[0].CrossEntropy);
        Assert.True(reports[^1].InformationPerSample > 0);
    }

    [Fact]
    public void ASmallGeneratedNetworkLearnsFashionMnistFromASubset()
    {
        using var full = FashionMnist.LoadTrain();
        using var train = full.Take(6000);
        using var test = FashionMnist.LoadTest();
        torch.manual_seed(Random.Shared.Next());
        using var network = new SmallFashionMlp();
        var trainer = new InformationTrainer(network, new TrainingSettings { Epochs = 4, BatchSize = 100, Seed = Random.Shared.Next() });

        var reports = trainer.Fit(train, test);

        Assert.True(reports[^1].TestAccuracy > 0.75, $"test accuracy {reports[^1].TestAccuracy:F3} on the 10,000 test images; chance is 0.1");
    }

    [Fact]
    public void TheSameSeedRepeatsARunExactlyOnTheCpu()
    {
        using var data = SyntheticClusters(examples: 600, seed: 7);
        var settings = new TrainingSettings { Epochs = 3, BatchSize = 64, Seed = Random.Shared.Next(), Schedule = LearningRateSchedule.Cosine };

        var first = TrainFromSeed(data, settings);
        var second = TrainFromSeed(data, settings);

        Assert.Equal(first.Reports.Select(r => (r.Loss, r.CrossEntropy, r.InformationPerSample, r.TrainAccuracy)),
                     second.Reports.Select(r => (r.Loss, r.CrossEntropy, r.InformationPerSample, r.TrainAccuracy)));
        Assert.Equal(first.Weights, second.Weights);
    }

    [Fact]
    public void BetaDecidesHowMuchInformationTheWeightsKeep()
    {
        using var data = SyntheticClusters(examples: 800, seed: Random.Shared.Next());
        double Information(double beta)
        {
            torch.manual_seed(3);
            using var network = new SmallClassifier();
            var trainer = new InformationTrainer(network, new TrainingSettings { Epochs = 40, BatchSize = 80, Beta = beta, Seed = 3 });
            return trainer.Fit(data)[^1].InformationPerSample;
        }

        double low = Information(0.001);
        double high = Information(1.0);

        Assert.True(high < low / 2, $"Ĩ/N was {low:F2} nats at β = 0.001 and {high:F2} at β = 1");
    }

    [Fact]
    public void InvalidSettingsNameTheSettingAndTheAllowedRange()
    {
        using var network = new SmallClassifier();

        var error = Assert.Throws<ArgumentException>(() => new InformationTrainer(network, new TrainingSettings { LearningRate = -1 }));

        Assert.Contains("LearningRate = -1", error.Message);
        Assert.Contains("> 0", error.Message);
        Assert.Throws<ArgumentException>(() => new InformationTrainer(network, new TrainingSettings { Beta = double.NaN }));
        Assert.Throws<ArgumentException>(() => new InformationTrainer(network, new TrainingSettings { BatchSize = 0 }));
    }

    [Fact]
    public void DataOfTheWrongShapeIsRejectedBeforeTraining()
    {
        using var network = new SmallClassifier();
        using var data = new LabeledData(torch.randn(10, 15), torch.zeros(10, dtype: torch.int64));
        var trainer = new InformationTrainer(network, new TrainingSettings());

        var error = Assert.Throws<ArgumentException>(() => trainer.Fit(data));

        Assert.Contains("[15]", error.Message);
        Assert.Contains("[Input(16)]", error.Message);
    }

    [Fact]
    public void SavedWeightsUseTheDeclaredLayerNamesAndRoundTrip()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ibex-weights-{Path.GetRandomFileName()}.dat");
        try
        {
            using var original = new SmallClassifier();
            using var input = torch.randn(5, 16);
            original.eval();
            var expected = original.call(input).Logits;

            Assert.Equal(
                new[] { "Hidden.weight", "Hidden.bias", "Hidden.log_alpha", "Scores.weight", "Scores.bias", "Scores.log_alpha" },
                original.state_dict().Keys.ToArray());
            original.save(path);

            using var restored = new SmallClassifier();
            restored.load(path);
            restored.eval();

            Assert.True(torch.equal(expected, restored.call(input).Logits).all().item<bool>());
            Assert.Equal(original.Information().item<float>(), restored.Information().item<float>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (EpochReport[] Reports, float[] Weights) TrainFromSeed(LabeledData data, TrainingSettings settings)
    {
        torch.manual_seed(settings.Seed);
        using var network = new SmallClassifier();
        var reports = new InformationTrainer(network, settings).Fit(data).ToArray();
        var weights = network.parameters().SelectMany(p => p.detach().flatten().data<float>().ToArray()).ToArray();
        return (reports, weights);
    }

    /// <summary>Four Gaussian clusters in 16 dimensions with random centres: separable, but not trivially.</summary>
    private static LabeledData SyntheticClusters(int examples, int seed)
    {
        using var generator = new torch.Generator((ulong)seed);
        var centres = torch.randn(new long[] { 4, 16 }, generator: generator) * 1.2;
        var labels = torch.randint(0, 4, new long[] { examples }, generator: generator);
        var features = centres.index_select(0, labels) + torch.randn(new long[] { examples, 16 }, generator: generator);
        return new LabeledData(features, labels);
    }
}
