using System;
using System.Collections.Generic;
using System.Linq;
using Ibex.Runtime.Evaluation;
using Xunit;
using static TorchSharp.torch;

namespace Ibex.Runtime.Tests.Evaluation;

public sealed class CalibrationTests
{
    public CalibrationTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void AccuracyNllAndBrierAreLibTorchsOnRandomClassifiers()
    {
        var random = new Random();
        int n = random.Next(50, 400), classes = random.Next(2, 12);
        var logits = Draws.Logits(random, n, classes, 2);
        var probabilities = logits.Select(z => Draws.Softmax(z)).ToArray();
        int[] labels = Enumerable.Range(0, n).Select(_ => random.Next(classes)).ToArray();

        var result = Calibration.Evaluate(probabilities, labels);

        using var scope = NewDisposeScope();
        var p = tensor(probabilities.SelectMany(r => r).ToArray(), new long[] { n, classes }).to_type(ScalarType.Float64);
        var y = tensor(labels.Select(l => (long)l).ToArray());
        double nll = nn.functional.nll_loss(p.log(), y).item<double>();
        double brier = p.sub(nn.functional.one_hot(y, classes).to_type(ScalarType.Float64)).square().sum().item<double>() / n;
        double accuracy = p.argmax(1).eq(y).to_type(ScalarType.Float64).mean().item<double>();
        Assert.Equal(n, result.Examples);
        Assert.Equal(accuracy, result.Accuracy, 12);
        Assert.Equal(nll, result.NegativeLogLikelihood, 9);
        Assert.Equal(brier, result.BrierScore, 9);
    }

    [Fact]
    public void EceIsTheWeightedGapOfItsBinsAndEachExampleLandsInTheBinItsConfidenceNames()
    {
        var random = new Random();
        int n = random.Next(100, 2000), classes = random.Next(2, 6), bins = random.Next(1, 25);
        var probabilities = Draws.Logits(random, n, classes, 3).Select(z => Draws.Softmax(z)).ToArray();
        int[] labels = Enumerable.Range(0, n).Select(_ => random.Next(classes)).ToArray();

        var result = Calibration.Evaluate(probabilities, labels, bins);

        Assert.Equal(bins, result.Reliability.Count);
        Assert.Equal(n, result.Reliability.Sum(b => b.Count));
        for (int m = 0; m < bins; m++)
        {
            var inBin = Enumerable.Range(0, n).Where(i => probabilities[i].Max() > m / (double)bins && probabilities[i].Max() <= (m + 1) / (double)bins).ToArray();
            Assert.Equal(inBin.Length, result.Reliability[m].Count);
            if (inBin.Length > 0)
            {
                Assert.Equal(inBin.Average(i => (double)probabilities[i].Max()), result.Reliability[m].MeanConfidence, 9);
                Assert.Equal(inBin.Average(i => Array.IndexOf(probabilities[i], probabilities[i].Max()) == labels[i] ? 1.0 : 0.0), result.Reliability[m].Accuracy, 12);
            }
        }

        double gap = result.Reliability.Where(b => b.Count > 0).Sum(b => b.Count / (double)n * Math.Abs(b.Accuracy - b.MeanConfidence));
        Assert.Equal(gap, result.ExpectedCalibrationError, 12);
    }

    [Fact]
    public void ACalibratedClassifierHasASmallEceAndAnOverconfidentOneALargeOne()
    {
        var random = new Random();
        const int n = 20000;
        var logits = Draws.Logits(random, n, 10, 1.5);
        var probabilities = logits.Select(z => Draws.Softmax(z)).ToArray();
        // The labels follow the probabilities: calibrated by construction.
        int[] labels = probabilities.Select(p => Draws.Sample(random, p)).ToArray();
        // Sharpened (T = 1/3) probabilities claim more than the labels bear out.
        var overconfident = logits.Select(z => Draws.Softmax(z, 3)).ToArray();

        var calibrated = Calibration.Evaluate(probabilities, labels);
        var sharpened = Calibration.Evaluate(overconfident, labels);

        // Sampling noise alone: about Σₘ (nₘ/n)·√(acc(1 − acc)/nₘ) ≤ 0.5·√(15/n) ≈ 0.014.
        Assert.True(calibrated.ExpectedCalibrationError < 0.025, $"calibrated ECE {calibrated.ExpectedCalibrationError:F4}");
        Assert.True(calibrated.AdaptiveCalibrationError < 0.025, $"calibrated adaptive ECE {calibrated.AdaptiveCalibrationError:F4}");
        Assert.True(sharpened.ExpectedCalibrationError > 0.1, $"overconfident ECE {sharpened.ExpectedCalibrationError:F4}");
        Assert.True(sharpened.NegativeLogLikelihood > calibrated.NegativeLogLikelihood);
        Assert.Equal(calibrated.Accuracy, sharpened.Accuracy, 12);
    }

    [Fact]
    public void BadInputIsAnErrorThatNamesTheExample()
    {
        var good = new[] { new[] { 0.25f, 0.75f }, new[] { 0.5f, 0.5f } };
        Assert.Contains("Label 2 of example 1", Assert.Throws<ArgumentException>(() => Calibration.Evaluate(good, new[] { 0, 2 })).Message);
        Assert.Contains("2 rows", Assert.Throws<ArgumentException>(() => Calibration.Evaluate(good, new[] { 0 })).Message);
        var logits = new[] { new[] { 2.5f, -1f }, new[] { 0.5f, 0.5f } };
        Assert.Contains("not logits", Assert.Throws<ArgumentException>(() => Calibration.Evaluate(logits, new[] { 0, 1 })).Message);
        var ragged = new IReadOnlyList<float>[] { new[] { 0.5f, 0.5f }, new[] { 1f, 0f, 0f } };
        Assert.Contains("Row 1", Assert.Throws<ArgumentException>(() => Calibration.Evaluate(ragged, new[] { 0, 1 })).Message);
        var nan = new[] { new[] { float.NaN, 0.5f } };
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => Calibration.Evaluate(nan, new[] { 0 })).Message);
    }
}
