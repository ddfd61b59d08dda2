using System;
using System.IO;
using System.Linq;
using Ibex.Runtime.Data;
using Ibex.Runtime.Native;
using Ibex.Runtime.Prediction;
using Ibex.Runtime.Training;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Prediction;

/// <summary>
/// Regression from the public API: a Gaussian network trained on standardized inputs and targets, saved, loaded, and
/// asked about raw rows answers in the targets' own units; its noise variances, the law of total variance and the
/// conformal intervals hold on fresh data.
/// </summary>
public sealed class RegressionPredictionTests : IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"ibex-regressor-{Guid.NewGuid():N}.ibexnet");

    public RegressionPredictionTests() => TorchNative.EnsureLoaded();

    public void Dispose() => File.Delete(path);

    /// <summary>Raw features of very different scales; the target is 300 + 40·(sin x₀ + ½·x₁x₂) + N(0, 8²) in its own units.</summary>
    private static (float[][] Features, float[] Targets, double[] Truth) Draw(Random random, int count)
    {
        var features = new float[count][];
        var targets = new float[count];
        var truth = new double[count];
        for (int i = 0; i < count; i++)
        {
            double x0 = random.NextDouble() * 4 - 2, x1 = random.NextDouble() * 4 - 2, x2 = random.NextDouble() * 4 - 2;
            features[i] = new[] { (float)(50 + 10 * x0), (float)(0.1 * x1), (float)(1000 * x2) };
            truth[i] = 300 + 40 * (Math.Sin(x0) + 0.5 * x1 * x2);
            targets[i] = (float)(truth[i] + 8 * Normal(random));
        }

        return (features, targets, truth);
    }

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void ANetworkTrainedOnStandardizedDataPredictsRawRowsInTheTargetsUnitsAfterReload()
    {
        int seed = Random.Shared.Next(1, 1_000_000);
        var random = new Random(seed);
        var (trainX, trainY, _) = Draw(random, 3000);
        var (calibrationX, calibrationY, _) = Draw(random, 2000);
        var (testX, testY, truth) = Draw(random, 3000);

        using var rawTrain = LabeledData.FromRows(trainX, trainY);
        using var inputs = Standardization.Fit(rawTrain);
        using var inputStandardized = inputs.Apply(rawTrain);
        var targetStatistics = TargetStandardizer.Fit(rawTrain);
        using var train = TargetStandardizer.Apply(targetStatistics, inputStandardized);
        Assert.True(Math.Abs(targetStatistics.Mean[0] - 300) < 5 && Math.Abs(targetStatistics.StandardDeviation[0] - 41) < 5,
            $"target statistics μ = {targetStatistics.Mean[0]}, σ = {targetStatistics.StandardDeviation[0]}");

        torch.manual_seed(seed);
        using var network = new HomoscedasticRegressor();
        var reports = new InformationTrainer(network, new TrainingSettings { Epochs = 40, BatchSize = 100, Seed = seed }).Fit(train);
        Assert.All(reports, r => Assert.True(double.IsNaN(r.TrainAccuracy), "a regression network has no accuracy"));
        Assert.True(reports[^1].CrossEntropy < reports[0].CrossEntropy, "the Gaussian NLL fell");
        Assert.Equal(targetStatistics, network.TargetStandardization);

        using (var predictor = new Predictor<HomoscedasticRegressor>(network))
        {
            predictor.Save(path);
        }

        using var loaded = Predictor<HomoscedasticRegressor>.Load(path);
        Assert.Equal(targetStatistics, loaded.TargetStandardization);
        var predictions = loaded.PredictTargets(testX, samples: 0);

        // Means in the target's units: the noise-free function within a fraction of the noise (σ = 8; predicting 300 misses by 41).
        double rmse = Math.Sqrt(predictions.Select((p, i) => Math.Pow(p.Mean[0] - truth[i], 2)).Average());
        Assert.True(rmse < 8, $"RMSE against the noise-free function {rmse:F2} (seed {seed})");
        // The learned noise variance, mapped back: σ = 8 in the target's units.
        double sigma = Math.Sqrt(predictions[0].AleatoricVariance[0]);
        Assert.True(sigma > 6 && sigma < 11, $"learned noise σ = {sigma:F2}, drawn with 8 (seed {seed})");
        Assert.All(predictions, p => Assert.Equal(0, p.EpistemicVariance[0]));

        // With weight samples: the law of total variance, and the Gaussian 90% interval around the mean.
        var sampled = loaded.PredictTargets(testX, samples: 8);
        Assert.Equal(sampled.Select(p => p.Mean[0]), loaded.PredictTargets(testX, samples: 8).Select(p => p.Mean[0]));
        foreach (var p in sampled)
        {
            Assert.True(p.EpistemicVariance[0] >= 0);
            double half = 1.6448536269514722 * p.StandardDeviation(0);
            Assert.Equal(p.Mean[0] - half, p.Lower[0], 1e-6 * Math.Abs(p.Mean[0]));
            Assert.Equal(p.Mean[0] + half, p.Upper[0], 1e-6 * Math.Abs(p.Mean[0]));
            Assert.False(p.IsConformal);
        }

        // Conformal intervals from held-out raw rows cover fresh ones at the nominal level: with 2,000 calibration and 3,000
        // test examples the coverage's standard deviation is about √(0.09/2000) + √(0.09/3000) ≈ 0.012.
        double coverage = 0.8 + random.NextDouble() * 0.15;
        using var calibration = LabeledData.FromRows(calibrationX, calibrationY);
        var conformal = loaded.CalibrateIntervals(calibration, samples: 8, coverage);
        Assert.Equal(conformal.Single().Quantile, Assert.Single(loaded.Calibration!.IntervalQuantiles!));
        var intervals = loaded.PredictTargets(testX, samples: 8);
        double covered = intervals.Select((p, i) => p.Lower[0] <= testY[i] && testY[i] <= p.Upper[0]).Count(c => c) / (double)testY.Length;
        Assert.True(Math.Abs(covered - coverage) < 0.04, $"intervals covered {covered:F4}, calibrated for {coverage:F3} (seed {seed})");
        Assert.All(intervals, p => Assert.True(p.IsConformal && p.IntervalCoverage == coverage));

        // The quantile travels with the weights.
        loaded.Save(path);
        using var reloaded = Predictor<HomoscedasticRegressor>.Load(path);
        Assert.Equal(intervals.Select(p => p.Upper[0]), reloaded.PredictTargets(testX, samples: 8).Select(p => p.Upper[0]));
    }

    [Fact]
    public void TwoTargetsOfVeryDifferentScalesEachComeBackInTheirOwnUnitsAfterReload()
    {
        int seed = Random.Shared.Next(1, 1_000_000);
        var random = new Random(seed);

        // Target 1: 5000 + 1000·sin x₀ with noise σ = 100; target 2: 0.01·x₁ with noise σ = 0.002. A target's statistics
        // applied to the other would be off by 10⁵ in scale.
        (float[][] X, float[][] Y, double[][] Truth) Draw(int count)
        {
            var x = new float[count][];
            var y = new float[count][];
            var truth = new double[count][];
            for (int i = 0; i < count; i++)
            {
                double x0 = random.NextDouble() * 4 - 2, x1 = random.NextDouble() * 4 - 2;
                x[i] = new[] { (float)x0, (float)x1 };
                truth[i] = new[] { 5000 + 1000 * Math.Sin(x0), 0.01 * x1 };
                y[i] = new[] { (float)(truth[i][0] + 100 * Normal(random)), (float)(truth[i][1] + 0.002 * Normal(random)) };
            }

            return (x, y, truth);
        }

        var (trainX, trainY, _) = Draw(3000);
        var (testX, _, truth) = Draw(1000);
        using var raw = LabeledData.FromRows(trainX, trainY);
        var statistics = TargetStandardizer.Fit(raw);
        using var train = TargetStandardizer.Apply(statistics, raw);
        torch.manual_seed(seed);
        using var network = new HeteroscedasticRegressor();
        new InformationTrainer(network, new TrainingSettings { Epochs = 40, BatchSize = 100, Seed = seed }).Fit(train);
        using (var predictor = new Predictor<HeteroscedasticRegressor>(network))
        {
            predictor.Save(path);
        }

        using var loaded = Predictor<HeteroscedasticRegressor>.Load(path);
        var predictions = loaded.PredictTargets(testX, samples: 4);
        double[] scale = { 1000, 0.01 }, noise = { 100, 0.002 };
        for (int t = 0; t < 2; t++)
        {
            // The noise-free function within the noise, and the predicted noise σ within a factor 1.6 of the drawn one.
            double rmse = Math.Sqrt(predictions.Select((p, i) => Math.Pow(p.Mean[t] - truth[i][t], 2)).Average());
            double sigma = Math.Sqrt(predictions.Average(p => p.AleatoricVariance[t]));
            Assert.True(rmse < noise[t], $"target {t + 1}: RMSE {rmse:G3} against the noise-free function, noise σ {noise[t]} (seed {seed})");
            Assert.True(sigma > noise[t] / 1.6 && sigma < noise[t] * 1.6, $"target {t + 1}: predicted noise σ {sigma:G3}, drawn with {noise[t]} (seed {seed})");
            Assert.All(predictions, p => Assert.True(p.Upper[t] - p.Lower[t] < 2 * scale[t], $"target {t + 1}: interval width {p.Upper[t] - p.Lower[t]:G3} (seed {seed})"));
        }
    }

    [Fact]
    public void EachTargetsConformalIntervalsCoverItAtTheNominalLevelEvenWhenOnlyOneTargetsNoiseIsMisjudged()
    {
        int seed = Random.Shared.Next(1, 1_000_000);
        var random = new Random(seed);

        // Trained with noise 0.1 on both targets; calibrated and tested where target 2's noise is 0.3, so the network's σ
        // is right for target 1 and three times too small for target 2. One quantile for both would over-cover target 1
        // and under-cover target 2.
        (float[][] X, float[][] Y) Draw(int count, double secondNoise)
        {
            var x = new float[count][];
            var y = new float[count][];
            for (int i = 0; i < count; i++)
            {
                double x0 = random.NextDouble() * 4 - 2, x1 = random.NextDouble() * 4 - 2;
                x[i] = new[] { (float)x0, (float)x1 };
                y[i] = new[] { (float)(Math.Sin(x0) + 0.1 * Normal(random)), (float)(x1 + secondNoise * Normal(random)) };
            }

            return (x, y);
        }

        var (trainX, trainY) = Draw(3000, 0.1);
        using var train = LabeledData.FromRows(trainX, trainY);
        torch.manual_seed(seed);
        using var network = new HeteroscedasticRegressor();
        new InformationTrainer(network, new TrainingSettings { Epochs = 30, BatchSize = 100, Seed = seed }).Fit(train);
        using var predictor = new Predictor<HeteroscedasticRegressor>(network);

        var (calibrationX, calibrationY) = Draw(2000, 0.3);
        using var calibration = LabeledData.FromRows(calibrationX, calibrationY);
        double coverage = 0.8 + random.NextDouble() * 0.15;
        var conformal = predictor.CalibrateIntervals(calibration, samples: 4, coverage);
        Assert.Equal(2, conformal.Count);
        Assert.True(conformal[1].Quantile > 2 * conformal[0].Quantile, $"quantiles {conformal[0].Quantile:F3}, {conformal[1].Quantile:F3} (seed {seed})");
        Assert.Equal(conformal.Select(c => c.Quantile), predictor.Calibration!.IntervalQuantiles!);

        // Each target's coverage on 3,000 fresh examples: standard deviation about √(0.09/2000) + √(0.09/3000) ≈ 0.012.
        var (testX, testY) = Draw(3000, 0.3);
        var predictions = predictor.PredictTargets(testX, samples: 4);
        for (int t = 0; t < 2; t++)
        {
            double covered = predictions.Where((p, i) => p.Lower[t] <= testY[i][t] && testY[i][t] <= p.Upper[t]).Count() / (double)testY.Length;
            Assert.True(Math.Abs(covered - coverage) < 0.04, $"target {t + 1}: intervals covered {covered:F4}, calibrated for {coverage:F3} (seed {seed})");
        }
    }

    [Fact]
    public void IntervalQuantilesThatAreNotOnePerTargetAreRefused()
    {
        using var regressor = new HeteroscedasticRegressor();
        var one = new PredictionCalibration(1.0) { IntervalQuantiles = new[] { 1.7 }, IntervalCoverage = 0.9 };
        Assert.Contains("needs one per target", Assert.Throws<ArgumentException>(() => regressor.PredictionCalibration = one).Message);
        Assert.Null(regressor.PredictionCalibration);
        double bad = Random.Shared.Next(2) == 0 ? double.NaN : -Random.Shared.NextDouble();
        Assert.Contains("target 2", Assert.Throws<ArgumentException>(() => regressor.PredictionCalibration = one with { IntervalQuantiles = new[] { 1.7, bad } }).Message);
        Assert.Throws<ArgumentException>(() => regressor.PredictionCalibration = one with { IntervalCoverage = null });
        regressor.PredictionCalibration = one with { IntervalQuantiles = new[] { 1.7, 2.1 } };
        Assert.Equal(one with { IntervalQuantiles = new[] { 1.7, 2.1 } }, regressor.PredictionCalibration);

        using var classifier = new SmallClassifier();
        Assert.Contains("no regression network", Assert.Throws<ArgumentException>(() => classifier.PredictionCalibration = one).Message);
    }

    [Fact]
    public void AHeteroscedasticNetworkLearnsNoiseThatGrowsWhereTheDataIsNoisier()
    {
        int seed = Random.Shared.Next(1, 1_000_000);
        var random = new Random(seed);
        // Target 1: sin x₀ with noise σ₁ = 0.05 + 0.3·|x₀|; target 2: x₁ with noise σ₂ = 0.2.
        (float[][], float[][]) Draw(int count)
        {
            var x = new float[count][];
            var y = new float[count][];
            for (int i = 0; i < count; i++)
            {
                double x0 = random.NextDouble() * 4 - 2, x1 = random.NextDouble() * 4 - 2;
                x[i] = new[] { (float)x0, (float)x1 };
                y[i] = new[] { (float)(Math.Sin(x0) + (0.05 + 0.3 * Math.Abs(x0)) * Normal(random)), (float)(x1 + 0.2 * Normal(random)) };
            }

            return (x, y);
        }

        var (trainX, trainY) = Draw(4000);
        using var train = LabeledData.FromRows(trainX, trainY);
        torch.manual_seed(seed);
        using var network = new HeteroscedasticRegressor();
        new InformationTrainer(network, new TrainingSettings { Epochs = 40, BatchSize = 100, Seed = seed }).Fit(train);

        using var predictor = new Predictor<HeteroscedasticRegressor>(network);
        float[][] probes = { new[] { 0.1f, 0f }, new[] { -0.1f, 1f }, new[] { 1.8f, -1f }, new[] { -1.8f, 0.5f } };
        var predicted = predictor.PredictTargets(probes, samples: 0);
        double[] sigma1 = predicted.Select(p => Math.Sqrt(p.AleatoricVariance[0])).ToArray();
        double[] sigma2 = predicted.Select(p => Math.Sqrt(p.AleatoricVariance[1])).ToArray();
        // True σ₁: 0.08 at |x₀| = 0.1, 0.59 at |x₀| = 1.8.
        Assert.True(sigma1[2] > 2.5 * sigma1[0] && sigma1[3] > 2.5 * sigma1[1], $"σ₁ at |x₀| = 0.1, 0.1, 1.8, 1.8: {string.Join(", ", sigma1.Select(s => s.ToString("F3")))} (seed {seed})");
        Assert.All(sigma2, s => Assert.True(s > 0.12 && s < 0.3, $"σ₂ = {s:F3}, drawn with 0.2 (seed {seed})"));
        Assert.All(predicted.Zip(probes), pair => Assert.True(Math.Abs(pair.First.Mean[1] - pair.Second[1]) < 0.25, $"mean of target 2 at x₁ = {pair.Second[1]}: {pair.First.Mean[1]:F3}"));
    }
}
