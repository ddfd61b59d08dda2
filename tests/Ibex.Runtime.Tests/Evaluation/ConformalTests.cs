using System;
using System.Linq;
using Ibex.Runtime.Evaluation;
using Xunit;

namespace Ibex.Runtime.Tests.Evaluation;

public sealed class ConformalTests
{
    [Fact]
    public void AdaptiveSetsCoverTheNominalLevelForAnOverconfidentClassifier()
    {
        var random = new Random();
        const int calibration = 5000, test = 20000;
        double coverage = 0.8 + 0.15 * random.NextDouble();
        // The classifier claims softmax(z); the labels follow softmax(0.5·z): it is overconfident.
        var logits = Draws.Logits(random, calibration + test, 10, 2);
        var claimed = logits.Select(z => Draws.Softmax(z)).ToArray();
        int[] labels = logits.Select(z => Draws.Sample(random, Draws.Softmax(z, 0.5))).ToArray();

        foreach (bool randomized in new[] { true, false })
        {
            var sets = ConformalClassifier.Calibrate(claimed[..calibration], labels[..calibration], coverage, randomized, new Random(random.Next()));
            var draw = new Random(random.Next());
            var predicted = Enumerable.Range(calibration, test).Select(i => sets.PredictionSet(claimed[i], draw)).ToArray();
            double covered = Enumerable.Range(0, test).Count(i => predicted[i].Contains(labels[calibration + i])) / (double)test;

            // Coverage given the calibration set is Beta-distributed with sd √(c(1 − c)/n) ≈ 0.005; the test adds ≈ 0.003.
            if (randomized)
            {
                Assert.True(Math.Abs(covered - coverage) < 0.025, $"randomized sets covered {covered:F4}, nominal {coverage:F4}");
            }
            else
            {
                Assert.True(covered > coverage - 0.025, $"sets covered {covered:F4}, nominal {coverage:F4}");
            }

            // Unsure examples get larger sets than confident ones.
            var confidence = Enumerable.Range(calibration, test).Select(i => claimed[i].Max()).ToArray();
            double median = confidence.OrderBy(c => c).ElementAt(test / 2);
            double unsure = Enumerable.Range(0, test).Where(i => confidence[i] < median).Average(i => predicted[i].Count);
            double sure = Enumerable.Range(0, test).Where(i => confidence[i] >= median).Average(i => predicted[i].Count);
            Assert.True(unsure > sure, $"mean set size {unsure:F2} below the median confidence, {sure:F2} above");
        }
    }

    [Fact]
    public void NormalizedIntervalsCoverTheNominalLevelAndWidenWithTheStandardDeviation()
    {
        var random = new Random();
        const int calibration = 5000, test = 20000;
        double coverage = 0.8 + 0.15 * random.NextDouble();
        int n = calibration + test;
        double[] mean = Enumerable.Range(0, n).Select(_ => Draws.Normal(random)).ToArray();
        double[] sd = Enumerable.Range(0, n).Select(_ => 0.2 + 2 * random.NextDouble()).ToArray();
        // The noise is 1.7 times wider than the predicted σ and heavy-tailed (Laplace).
        double[] target = Enumerable.Range(0, n).Select(i => mean[i] + 1.7 * sd[i] * Math.Log(random.NextDouble() / random.NextDouble())).ToArray();

        var intervals = ConformalRegressor.Calibrate(mean[..calibration], sd[..calibration], target[..calibration], coverage);

        double covered = Enumerable.Range(calibration, test).Count(i =>
        {
            var (lower, upper) = intervals.Interval(mean[i], sd[i]);
            return target[i] >= lower && target[i] <= upper;
        }) / (double)test;
        Assert.True(Math.Abs(covered - coverage) < 0.025, $"intervals covered {covered:F4}, nominal {coverage:F4}");
        var (l1, u1) = intervals.Interval(0, 1);
        var (l2, u2) = intervals.Interval(0, 2);
        Assert.Equal(2 * (u1 - l1), u2 - l2, 9);
    }

    [Fact]
    public void TheThresholdIsTheCeilOfNPlusOneTimesCoverageSmallestScore()
    {
        var random = new Random();
        int n = random.Next(9, 200);
        double[] mean = new double[n], sd = Enumerable.Repeat(1.0, n).ToArray();
        double[] target = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
        var intervals = ConformalRegressor.Calibrate(mean, sd, target, 0.9);
        int rank = (int)Math.Ceiling((n + 1) * 0.9 - 1e-9);
        Assert.Equal(target.OrderBy(t => t).ElementAt(rank - 1), intervals.Quantile, 12);
    }

    [Fact]
    public void TooFewCalibrationExamplesOrABadStandardDeviationIsAClearError()
    {
        double[] five = { 0.1, 0.2, 0.3, 0.4, 0.5 };
        var error = Assert.Throws<ArgumentException>(() => ConformalRegressor.Calibrate(five, five, five, 0.9));
        Assert.Contains("5 calibration examples", error.Message);
        Assert.Contains("at least 9", error.Message);
        Assert.Contains("positive", Assert.Throws<ArgumentException>(() => ConformalRegressor.Calibrate(five, new[] { 1, 1, 0.0, 1, 1 }, five, 0.5)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ConformalRegressor.Calibrate(five, five, five, 1.0));
        var probabilities = Enumerable.Repeat(new[] { 0.5f, 0.5f }, 5).ToArray();
        Assert.Contains("at least 19", Assert.Throws<ArgumentException>(() => ConformalClassifier.Calibrate(probabilities, new[] { 0, 1, 0, 1, 0 }, 0.95)).Message);
    }
}
