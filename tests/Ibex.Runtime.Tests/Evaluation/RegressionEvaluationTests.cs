using System;
using System.Linq;
using Ibex.Runtime.Evaluation;
using Xunit;

namespace Ibex.Runtime.Tests.Evaluation;

/// <summary><see cref="RegressionEvaluation"/> against its definitions, on fresh random Gaussian predictions.</summary>
public sealed class RegressionEvaluationTests
{
    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void TargetsDrawnFromThePredictionsLieOnTheDiagonalAndSharpenedOnesBelowIt()
    {
        var random = new Random();
        int n = 20000;
        var mean = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 100 - 50).ToArray();
        var sigma = Enumerable.Range(0, n).Select(_ => 0.1 + random.NextDouble() * 5).ToArray();
        var y = mean.Select((m, i) => m + sigma[i] * Normal(random)).ToArray();

        var honest = RegressionEvaluation.Evaluate(mean, sigma, y);
        // Each observed coverage is a binomial share of 20,000: standard deviation below 0.0036; 0.015 is over 4 of them.
        Assert.All(honest.CalibrationCurve, point => Assert.True(Math.Abs(point.Observed - point.Nominal) < 0.015, $"{point.Nominal}: {point.Observed}"));
        Assert.True(Math.Abs(honest.IntervalCoverage90 - 0.9) < 0.015);
        Assert.Equal(2 * 1.6448536269514722 * sigma.Average(), honest.IntervalWidth90, 1e-8 * honest.IntervalWidth90);
        double rmse = Math.Sqrt(y.Select((v, i) => (v - mean[i]) * (v - mean[i])).Average());
        Assert.Equal(rmse, honest.RootMeanSquaredError, 1e-9 * rmse);
        double nll = y.Select((v, i) => 0.5 * Math.Log(2 * Math.PI * sigma[i] * sigma[i]) + 0.5 * Math.Pow((v - mean[i]) / sigma[i], 2)).Average();
        Assert.Equal(nll, honest.NegativeLogLikelihood, 1e-9);

        var overconfident = RegressionEvaluation.Evaluate(mean, sigma.Select(s => s / 2).ToArray(), y);
        Assert.True(overconfident.IntervalCoverage90 < 0.65, $"half the σ covers {overconfident.IntervalCoverage90}");
        Assert.True(overconfident.NegativeLogLikelihood > honest.NegativeLogLikelihood);
    }

    [Theory]
    [InlineData(0.5, 0.0)]
    [InlineData(0.95, 1.6448536269514722)]
    [InlineData(0.975, 1.959963984540054)]
    [InlineData(0.001, -3.090232306167813)]
    [InlineData(0.9999, 3.7190164854556804)]
    public void TheNormalQuantileMatchesTabulatedValues(double p, double z)
        => Assert.Equal(z, RegressionEvaluation.NormalQuantile(p), 1e-8);

    [Fact]
    public void BadPredictionsAreRefusedWithTheIndex()
    {
        var error = Assert.Throws<ArgumentException>(() => RegressionEvaluation.Evaluate(new[] { 1.0, 2 }, new[] { 1.0, 0 }, new[] { 1.0, 2 }));
        Assert.Contains("standardDeviation[1]", error.Message);
    }
}
