using System;
using System.Linq;
using Ibex.Examples.PhaseTransition;
using Ibex.Runtime.Data;
using TorchSharp;
using Xunit;

namespace Ibex.Examples.Tests;

public sealed class ExperimentTests
{
    public ExperimentTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void TheQuickSweepShowsTheRandomLabelTransition()
    {
        using var data = new SweepData(quick: true, dataDirectory: FashionMnist.DefaultDirectory);
        var training = Sweep.Training(quick: true);
        var results = SweepPlan.Points(quick: true)
            .Select(p => RandomLabelPoint.Run<QuickMlp>(p.Point, training, data.Train(p.Point), test: null))
            .ToList();

        var summary = TransitionAnalysis.Summarize(SweepPlan.QuickSize, results);
        var checks = TransitionAnalysis.Check(new[] { summary });

        Assert.All(checks, check => Assert.True(check.Holds, $"{check.Criterion}: {check.Evidence}"));
        Assert.True(results.Zip(results.Skip(1)).All(pair => pair.Second.InformationPerSample <= pair.First.InformationPerSample + 0.05),
            "Ĩ/N must not grow with β: " + string.Join(", ", results.Select(r => $"β={r.Point.Beta}: {r.InformationPerSample:F2}")));
    }

    [Fact]
    public void ConvergenceIsDeclaredOnlyOnceTheObjectiveStopsImproving()
    {
        var detector = new ConvergenceDetector(window: 10, relativeTolerance: 0.01, minimumEpochs: 30);
        int epoch = 0;
        bool converged = false;
        // Falls by 5% per epoch for 60 epochs, then stays flat.
        while (!converged && epoch < 500)
        {
            double objective = epoch < 60 ? Math.Pow(0.95, epoch) : Math.Pow(0.95, 60);
            converged = detector.Add(objective);
            epoch++;
        }

        Assert.InRange(epoch, 61, 81);
    }

    [Fact]
    public void TheTransitionIsInterpolatedInLogBeta()
    {
        SweepResult Point(double beta, double accuracy) => new()
        {
            Point = new SweepPoint(beta, 100, 1, 0), Epochs = 1, Converged = true, CrossEntropy = 0, InformationPerSample = 10 / beta,
            TrainAccuracyMeanNetwork = accuracy, TrainAccuracyNoisy = accuracy, TrainAccuracyMonteCarlo = accuracy, TestAccuracy = 0.1, Seconds = 0,
        };
        var sorted = new[] { Point(0.01, 1.0), Point(0.1, 0.9), Point(1, 0.1), Point(10, 0.1) };

        Assert.Equal(Math.Sqrt(0.1 * 1), TransitionAnalysis.Crossing(sorted, 0.5), precision: 9);
        var summary = TransitionAnalysis.Summarize(100, sorted);
        Assert.Equal(100.0, summary.MemorizingInformation, precision: 9);
        Assert.Equal(Math.Log(10) / 100, summary.PredictedBeta, precision: 12);
        Assert.Equal(Math.Log10(TransitionAnalysis.Crossing(sorted, 0.3) / TransitionAnalysis.Crossing(sorted, 0.8)), summary.DropDecades, precision: 12);
    }

    [Fact]
    public void LabelNoiseReplacesTheRequestedFractionWithFixedRandomLabels()
    {
        using var labels = torch.arange(0, 1000, dtype: torch.int64).remainder(10);
        double fraction = 0.2 + 0.6 * Random.Shared.NextDouble();
        long seed = Random.Shared.Next();

        using var once = LabelNoise.Randomize(labels, fraction, 10, seed);
        using var again = LabelNoise.Randomize(labels, fraction, 10, seed);

        Assert.True(once.Equals(again), "the same seed must give the same labels");
        long changed = once.ne(labels).sum().item<long>();
        // Replaced labels equal the old one with probability 1/10.
        double expectedChanged = Math.Round(fraction * 1000) * 0.9;
        Assert.InRange(changed, expectedChanged - 5 * Math.Sqrt(expectedChanged * 0.1), expectedChanged + 5 * Math.Sqrt(expectedChanged * 0.1));
        Assert.True(once.max().item<long>() <= 9 && once.min().item<long>() >= 0);
    }

    [Fact]
    public void AveragePoolingHalvesEachSideAndAveragesBlocks()
    {
        using var data = new LabeledData(torch.rand(3, 784), torch.zeros(3, dtype: torch.int64));

        using var pooled = ImageTransforms.AveragePool(data, side: 28, factor: 2);

        Assert.Equal(new long[] { 3, 196 }, pooled.Features.shape);
        var image = data.Features[1].reshape(28, 28);
        float expected = (image[4, 6].item<float>() + image[4, 7].item<float>() + image[5, 6].item<float>() + image[5, 7].item<float>()) / 4;
        Assert.Equal(expected, pooled.Features[1, 2 * 14 + 3].item<float>(), precision: 5);
    }
}
