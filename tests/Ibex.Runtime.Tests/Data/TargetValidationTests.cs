using System;
using System.Linq;
using Ibex.Runtime.Data;
using Ibex.Runtime.Native;
using Ibex.Runtime.Prediction;
using Ibex.Runtime.Training;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Data;

/// <summary>Targets that do not fit the network's likelihood are refused before training, with the example and the fix named.</summary>
public sealed class TargetValidationTests
{
    public TargetValidationTests() => TorchNative.EnsureLoaded();

    private static float[][] Features(Random random, int count, int features)
        => Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, features).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();

    private static ArgumentException TrainingRefuses(InformationNetwork network, LabeledData data)
        => Assert.ThrowsAny<ArgumentException>(() => new InformationTrainer(network, new TrainingSettings { Epochs = 1, BatchSize = 10 }).Fit(data));

    [Fact]
    public void FloatTargetsForAClassifierNameTheLikelihoodToDeclare()
    {
        var random = new Random();
        using var network = new SmallClassifier();
        using var data = LabeledData.FromRows(Features(random, 20, 16), Enumerable.Range(0, 20).Select(_ => (float)random.NextDouble()).ToArray());
        var error = TrainingRefuses(network, data);
        Assert.Contains("real-valued targets", error.Message);
        Assert.Contains("Likelihood = Likelihood.Gaussian", error.Message);
    }

    [Fact]
    public void ClassIndicesForARegressionNetworkAskForFloatTargets()
    {
        var random = new Random();
        using var network = new HomoscedasticRegressor();
        using var data = LabeledData.FromRows(Features(random, 20, 3), Enumerable.Range(0, 20).Select(_ => random.Next(3)).ToArray());
        var error = TrainingRefuses(network, data);
        Assert.Contains("class indices", error.Message);
        Assert.Contains("Gaussian likelihood", error.Message);
    }

    [Fact]
    public void ANaNTargetIsNamedByExampleAndTarget()
    {
        var random = new Random();
        int bad = random.Next(20);
        var targets = Enumerable.Range(0, 20).Select(_ => new[] { (float)random.NextDouble(), (float)random.NextDouble() }).ToArray();
        targets[bad][1] = float.NaN;
        using var network = new HeteroscedasticRegressor();
        using var data = LabeledData.FromRows(Features(random, 20, 2), targets);
        var error = TrainingRefuses(network, data);
        Assert.Contains($"at example {bad}, target 1", error.Message);
        Assert.Contains("finite", error.Message);
    }

    [Fact]
    public void AMultiLabelTargetOutsideZeroAndOneIsNamed()
    {
        var random = new Random();
        int bad = random.Next(20);
        var targets = Enumerable.Range(0, 20).Select(_ => new[] { (float)random.Next(2), (float)random.Next(2), (float)random.Next(2) }).ToArray();
        targets[bad][2] = 0.5f;
        using var network = new MultiLabelNetwork();
        using var data = LabeledData.FromRows(Features(random, 20, 8), targets);
        var error = TrainingRefuses(network, data);
        Assert.Contains($"0.5 for label 2 of example {bad}", error.Message);
        Assert.Contains("must be 0 or 1", error.Message);
    }

    [Fact]
    public void TheWrongNumberOfTargetsNamesBothCounts()
    {
        var random = new Random();
        using var network = new HeteroscedasticRegressor();
        using var data = LabeledData.FromRows(Features(random, 20, 2), Enumerable.Range(0, 20).Select(_ => (float)random.NextDouble()).ToArray());
        var error = TrainingRefuses(network, data);
        Assert.Contains("1 targets per example", error.Message);
        Assert.Contains("predicts 2 targets", error.Message);
    }

    [Fact]
    public void ACalibrationSplitTooSmallForTheCoverageSaysHowManyItNeeds()
    {
        var random = new Random();
        using var network = new HomoscedasticRegressor();
        using var predictor = new Predictor<HomoscedasticRegressor>(network);
        using var data = LabeledData.FromRows(Features(random, 5, 3), Enumerable.Range(0, 5).Select(_ => (float)random.NextDouble()).ToArray());
        var error = Assert.ThrowsAny<ArgumentException>(() => predictor.CalibrateIntervals(data, samples: 0, coverage: 0.95));
        Assert.Contains("19", error.Message);
    }

    [Fact]
    public void APredictionMethodOfAnotherLikelihoodNamesTheRightOne()
    {
        using var regressor = new HomoscedasticRegressor();
        using var predictor = new Predictor<HomoscedasticRegressor>(regressor);
        var error = Assert.Throws<InvalidOperationException>(() => predictor.Predict(new float[3], 0));
        Assert.Contains("PredictTargets", error.Message);

        using var classifier = new SmallClassifier();
        using var classes = new Predictor<SmallClassifier>(classifier);
        Assert.Contains("Predict or PredictBatch", Assert.Throws<InvalidOperationException>(() => classes.PredictTargets(new[] { new float[16] }, 0)).Message);
    }

    [Fact]
    public void TargetStandardizationIsFittedOnTargetsAndInvertedExactly()
    {
        var random = new Random();
        var targets = Enumerable.Range(0, 50).Select(_ => new[] { (float)(random.NextDouble() * 100 - 20), (float)(random.NextDouble() * 0.01) }).ToArray();
        using var data = LabeledData.FromRows(Features(random, 50, 2), targets);
        var statistics = TargetStandardizer.Fit(data);
        using var standardized = TargetStandardizer.Apply(statistics, data);
        Assert.Same(statistics, standardized.TargetsStandardizedWith);
        using var mean = standardized.Labels.mean(new long[] { 0 });
        using var deviation = standardized.Labels.std(0, unbiased: false);
        Assert.All(mean.data<float>().ToArray(), m => Assert.True(Math.Abs(m) < 1e-5));
        Assert.All(deviation.data<float>().ToArray(), s => Assert.True(Math.Abs(s - 1) < 1e-4));
        var values = standardized.Labels.data<float>().ToArray();
        for (int i = 0; i < 50; i++)
        {
            for (int t = 0; t < 2; t++)
            {
                Assert.Equal(targets[i][t], statistics.Unstandardize(t, values[2 * i + t]), 2e-5 * Math.Max(1, Math.Abs(targets[i][t])));
            }
        }

        Assert.Throws<ArgumentException>(() => TargetStandardizer.Apply(statistics, standardized));
    }
}
