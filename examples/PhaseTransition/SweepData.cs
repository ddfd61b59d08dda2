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
        foreach (var data in cache.Values)
        {
            data.Dispose();
        }
    }
}
