using Ibex.Runtime.Data;
using Ibex.Runtime.Training;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Data;

/// <summary>The data the source tests route through each loader: 1,000 training and 200 test examples of 4 well separated clusters in 16 dimensions.</summary>
internal static class SeparatedClusters
{
    public static LabeledData Create(long seed) => SyntheticClusters.Create(1200, 16, 4, seed, separation: 2.0);

    /// <summary>Trains <see cref="SmallClassifier"/> for 4 epochs and asserts a test accuracy above 0.8 (chance is 0.25).</summary>
    public static void AssertLearnedFrom(ITrainingSet train, LabeledData test, long seed)
    {
        torch.manual_seed(seed);
        using var network = new SmallClassifier();

        var reports = new InformationTrainer(network, new TrainingSettings { Epochs = 4, BatchSize = 50 }).Fit(train, test);

        Assert.True(reports[^1].TestAccuracy > 0.8, $"test accuracy {reports[^1].TestAccuracy} after 4 epochs on separated clusters");
    }
}
