using System;
using System.Collections.Generic;
using Ibex.Runtime.Data;
using TorchSharp;

namespace Ibex.Examples.PhaseTransition;

/// <summary>
/// The data of a sweep: for each N a fixed random subset of the 2×2-pooled Fashion-MNIST training set (the same for every
/// β), with a fixed random label for each randomized example; the pooled test set with its true labels. Quick mode uses
/// Gaussian inputs instead.
/// </summary>
public sealed class SweepData : IDisposable
{
    private const long SubsetSeed = 0;
    private const long LabelSeed = 1;
    private readonly LabeledData? pooledTrain;
    private readonly Dictionary<(int, double), LabeledData> cache = new();

    public SweepData(bool quick, string dataDirectory)
    {
        Quick = quick;
        if (quick)
        {
            return;
        }

        using var train = FashionMnist.LoadTrain(dataDirectory);
        using var test = FashionMnist.LoadTest(dataDirectory);
        pooledTrain = ImageTransforms.AveragePool(train, 28, 2);
        Test = ImageTransforms.AveragePool(test, 28, 2);
    }

    public bool Quick { get; }

    public LabeledData? Test { get; }

    /// <summary>The pooled training set's mean and standard deviation over every pixel, for <see cref="InputScaling.Standardized"/>.</summary>
    private (double Mean, double Std) Moments => pooledTrain is null ? (0, 1) : (pooledTrain.Features.mean().item<float>(), pooledTrain.Features.std().item<float>());

    private readonly Dictionary<(int, double, InputScaling), LabeledData> scaled = new();
    private LabeledData? standardizedTest;

    /// <summary>The point's training set with its inputs scaled as asked (quick mode's Gaussian inputs are already standardized).</summary>
    public LabeledData Train(SweepPoint point, InputScaling scaling)
    {
        var data = Train(point);
        if (scaling == InputScaling.UnitInterval || Quick)
        {
            return data;
        }

        var key = (point.TrainingExamples, point.RandomLabelFraction, scaling);
        if (!scaled.TryGetValue(key, out var standardized))
        {
            var (mean, std) = Moments;
            standardized = new LabeledData(data.Features.sub(mean).div(std), data.Labels.clone());
            scaled[key] = standardized;
        }

        return standardized;
    }

    /// <summary>The test set scaled as the training set is.</summary>
    public LabeledData? TestScaled(InputScaling scaling)
    {
        if (scaling == InputScaling.UnitInterval || Test is null)
        {
            return Test;
        }

        if (standardizedTest is null)
        {
            var (mean, std) = Moments;
            standardizedTest = new LabeledData(Test.Features.sub(mean).div(std), Test.Labels.clone());
        }

        return standardizedTest;
    }

    public LabeledData Train(SweepPoint point)
    {
        var key = (point.TrainingExamples, point.RandomLabelFraction);
        if (cache.TryGetValue(key, out var data))
        {
            return data;
        }

        LabeledData subset;
        if (Quick)
        {
            using var generator = new torch.Generator((ulong)SubsetSeed);
            subset = new LabeledData(torch.randn(new long[] { point.TrainingExamples, 32 }, generator: generator), torch.zeros(point.TrainingExamples, dtype: torch.int64));
        }
        else
        {
            using var generator = new torch.Generator((ulong)SubsetSeed);
            using var order = torch.randperm(pooledTrain!.Count, generator: generator).narrow(0, 0, point.TrainingExamples);
            subset = new LabeledData(pooledTrain.Features.index_select(0, order), pooledTrain.Labels.index_select(0, order));
        }

        var labels = LabelNoise.Randomize(subset.Labels, point.RandomLabelFraction, 10, LabelSeed);
        data = new LabeledData(subset.Features.clone(), labels);
        subset.Dispose();
        cache[key] = data;
        return data;
    }

    public void Dispose()
    {
        pooledTrain?.Dispose();
        Test?.Dispose();
        standardizedTest?.Dispose();
        foreach (var data in scaled.Values)
        {
            data.Dispose();
        }

        foreach (var data in cache.Values)
        {
            data.Dispose();
        }
    }
}
