using System;
using System.Linq;
using Ibex.Runtime.Data;
using Ibex.Runtime.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Data;

/// <summary>ML.NET data views read into the examples they hold, with integer or key labels, and train a network.</summary>
public sealed class DataViewDataTests
{
    private readonly MLContext ml = new(seed: 1);
    private readonly Random random = new();

    [Fact]
    public void AViewReadsBackItsRowsWithIntegerOrKeyLabels()
    {
        TorchNative.EnsureLoaded();
        var rows = Rows(30, 16);
        var view = ml.Data.LoadFromEnumerable(rows);

        using var read = DataViewData.Load(view);
        var keyed = ml.Transforms.Conversion.MapValueToKey("Key", "Label", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(view).Transform(view);
        using var readKeys = DataViewData.Load(keyed, labelColumn: "Key");

        Assert.Equal(rows.SelectMany(r => r.Features), read.Features.data<float>().ToArray());
        Assert.Equal(rows.Select(r => (long)r.Label), read.Labels.data<long>().ToArray());
        Assert.Equal(rows.Select(r => (long)r.Label), readKeys.Labels.data<long>().ToArray());
    }

    [Fact]
    public void AViewWithFloatTargetsReadsBackOneOrSeveralTargetsPerRow()
    {
        TorchNative.EnsureLoaded();
        var rows = Enumerable.Range(0, random.Next(5, 40)).Select(_ => new TargetRow
        {
            Features = Enumerable.Range(0, 3).Select(_ => (float)random.NextDouble()).ToArray(),
            Price = (float)(random.NextDouble() * 1000),
            Labels = Enumerable.Range(0, 2).Select(_ => (float)random.Next(2)).ToArray(),
        }).ToArray();
        var view = ml.Data.LoadFromEnumerable(rows);

        using var one = DataViewData.LoadTargets(view, targetColumn: "Price");
        using var two = DataViewData.LoadTargets(view, targetColumn: "Labels");

        Assert.Equal(1, one.TargetCount);
        Assert.Equal(rows.Select(r => r.Price), one.Labels.data<float>().ToArray());
        Assert.Equal(2, two.TargetCount);
        Assert.Equal(rows.SelectMany(r => r.Labels), two.Labels.data<float>().ToArray());
        Assert.Equal(rows.SelectMany(r => r.Features), two.Features.data<float>().ToArray());
    }

    private sealed class TargetRow
    {
        [VectorType(3)]
        public float[] Features { get; set; } = Array.Empty<float>();

        public float Price { get; set; }

        [VectorType(2)]
        public float[] Labels { get; set; } = Array.Empty<float>();
    }

    [Fact]
    public void ANetworkTrainsFromADataView()
    {
        TorchNative.EnsureLoaded();
        using var clusters = SeparatedClusters.Create(random.Next());
        float[] features = clusters.Features.data<float>().ToArray();
        long[] labels = clusters.Labels.data<long>().ToArray();
        var rows = Enumerable.Range(0, 1200).Select(i => new Row { Features = features.AsSpan(i * 16, 16).ToArray(), Label = (int)labels[i] }).ToArray();
        using var train = DataViewData.Load(ml.Data.LoadFromEnumerable(rows.Take(1000)));
        using var test = DataViewData.Load(ml.Data.LoadFromEnumerable(rows.Skip(1000)));

        SeparatedClusters.AssertLearnedFrom(train, test, random.Next());
    }

    [Fact]
    public void AMissingOrMistypedColumnIsNamed()
    {
        var view = ml.Data.LoadFromEnumerable(Rows(3, 16));

        Assert.Contains("no label column 'Class'", Assert.Throws<ArgumentException>(() => DataViewData.Load(view, labelColumn: "Class")).Message);
        Assert.Contains("Features column 'Label' is of type", Assert.Throws<ArgumentException>(() => DataViewData.Load(view, featuresColumn: "Label")).Message);
    }

    private Row[] Rows(int count, int features)
        => Enumerable.Range(0, count).Select(i => new Row
        {
            Features = Enumerable.Range(0, features).Select(_ => (float)random.NextDouble()).ToArray(),
            // Every class occurs, so the key type's values 1 … 4 stand for labels 0 … 3.
            Label = (i + count / 2) % 4,
        }).ToArray();

    private sealed class Row
    {
        [VectorType(16)]
        public float[] Features { get; set; } = Array.Empty<float>();

        public int Label { get; set; }
    }
}
