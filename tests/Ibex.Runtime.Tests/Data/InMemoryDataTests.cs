using System;
using System.Linq;
using Ibex.Runtime.Data;
using Ibex.Runtime.Training;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Data;

/// <summary>
/// Data from arrays of every shape a .NET user holds trains the same network, images may come flat or as [N, C, H, W], and
/// data that cannot fit the network is refused before training with a message that names the example.
/// </summary>
public sealed class InMemoryDataTests
{
    private readonly Random random = new();

    [Fact]
    public void EveryArrayFormGivesTheSameTensors()
    {
        TorchNative.EnsureLoaded();
        const int examples = 7, features = 5;
        var flat = Enumerable.Range(0, examples * features).Select(_ => (float)random.NextDouble()).ToArray();
        var labels = Enumerable.Range(0, examples).Select(_ => random.Next(3)).ToArray();
        var rows = Enumerable.Range(0, examples).Select(e => flat.AsSpan(e * features, features).ToArray()).ToArray();
        var matrix = new float[examples, features];
        for (int e = 0; e < examples; e++)
        {
            for (int f = 0; f < features; f++)
            {
                matrix[e, f] = flat[e * features + f];
            }
        }

        using var fromArray = LabeledData.FromArray(flat, labels);
        using var fromLongs = LabeledData.FromArray(flat, labels.Select(l => (long)l).ToArray());
        using var fromRows = LabeledData.FromRows(rows, labels);
        using var fromMatrix = LabeledData.FromMatrix(matrix, labels);

        foreach (var data in new[] { fromLongs, fromRows, fromMatrix })
        {
            Assert.True(fromArray.Features.Equals(data.Features));
            Assert.True(fromArray.Labels.Equals(data.Labels));
        }

        Assert.Equal(new long[] { examples, features }, fromArray.Features.shape);
        Assert.Equal(labels.Select(l => (long)l), fromArray.Labels.data<long>().ToArray());
    }

    [Fact]
    public void AViewHoldsTheSameExamplesWithoutACopyAndItsDisposalLeavesTheSourceWhole()
    {
        TorchNative.EnsureLoaded();
        int examples = random.Next(5, 40), features = random.Next(1, 6), start = random.Next(0, examples - 1), count = random.Next(1, examples - start + 1);
        var flat = Enumerable.Range(0, examples * features).Select(_ => (float)random.NextDouble()).ToArray();
        var targets = Enumerable.Range(0, examples).Select(_ => (float)random.NextDouble()).ToArray();
        using var data = LabeledData.FromArray(flat, Enumerable.Range(0, examples).Select(_ => random.Next(3)).ToArray());
        using var regression = LabeledData.FromRows(Enumerable.Range(0, examples).Select(e => flat.AsSpan(e * features, features).ToArray()).ToArray(), targets.Select(t => new[] { t }).ToArray());

        foreach (var source in new[] { data, regression })
        {
            using var copy = source.Slice(start, count);
            var view = source.View(start, count);
            Assert.True(copy.Features.Equals(view.Features) && copy.Labels.Equals(view.Labels));
            Assert.Equal(copy.Labels.shape, view.Labels.shape);

            // The view reads the source's memory: a change there shows in the view, not in the copy.
            using (torch.no_grad())
            {
                source.Features[start].add_(1.0f);
            }

            Assert.True(view.Features[0].Equals(source.Features[start]));
            Assert.False(copy.Features[0].Equals(view.Features[0]));

            // Disposing the view leaves the source whole.
            view.Dispose();
            Assert.Equal(examples, source.Count);
            int other = (start + 1) % examples;
            Assert.Equal(flat[start * features] + 1, source.Features[start][0].item<float>(), 5);
            Assert.Equal(flat[other * features], source.Features[other][0].item<float>(), 5);
        }
    }

    [Fact]
    public void PresentLabelsAreTheTargetsThatAreOneRowByRow()
    {
        var random = new Random();
        int n = random.Next(1, 50), labels = random.Next(1, 6);
        float[][] x = Enumerable.Range(0, n).Select(_ => new[] { (float)random.NextDouble() }).ToArray();
        float[][] y = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, labels).Select(_ => (float)random.Next(2)).ToArray()).ToArray();
        using var data = LabeledData.FromRows(x, y);

        var present = data.PresentLabels();

        Assert.Equal(n, present.Length);
        Assert.All(Enumerable.Range(0, n), i => Assert.Equal(y[i].Select(v => v == 1), present[i]));
        using var classes = LabeledData.FromRows(x, Enumerable.Range(0, n).Select(i => i % 2).ToArray());
        Assert.Throws<InvalidOperationException>(() => classes.PresentLabels());
    }

    [Fact]
    public void BytesAreScaledToTheUnitInterval()
    {
        TorchNative.EnsureLoaded();
        var pixels = new byte[2 * 4];
        random.NextBytes(pixels);

        using var data = LabeledData.FromImages(pixels, new[] { 0, 1 });

        var values = data.Features.data<float>().ToArray();
        for (int i = 0; i < pixels.Length; i++)
        {
            Assert.Equal(pixels[i] / 255f, values[i], 6);
        }
    }

    [Fact]
    public void ANetworkTrainsFromArrays()
    {
        TorchNative.EnsureLoaded();
        using var clusters = SeparatedClusters.Create(random.Next());
        float[] features = clusters.Features.data<float>().ToArray();
        long[] labels = clusters.Labels.data<long>().ToArray();
        using var train = LabeledData.FromArray(features.AsSpan(0, 1000 * 16), labels.AsSpan(0, 1000));
        using var test = LabeledData.FromArray(features.AsSpan(1000 * 16), labels.AsSpan(1000));

        SeparatedClusters.AssertLearnedFrom(train, test, random.Next());
    }

    [Fact]
    public void ImagesTrainFlatOrShapedAndFloat64IsConverted()
    {
        TorchNative.EnsureLoaded();
        using var network = new SoftplusDropoutNetwork();
        var settings = new TrainingSettings { Epochs = 1, BatchSize = 16 };
        using var shaped = new LabeledData(torch.rand(48, 1, 6, 6, dtype: torch.float64), torch.randint(0, 3, new long[] { 48 }, dtype: torch.int32));

        Assert.Equal(new long[] { 1, 6, 6 }, shaped.ExampleShape);
        Assert.Equal(torch.float32, shaped.Features.dtype);
        Assert.Equal(torch.int64, shaped.Labels.dtype);
        Assert.Single(new InformationTrainer(network, settings).Fit(shaped));
    }

    [Fact]
    public void DataThatCannotFitTheNetworkIsRefusedByExample()
    {
        TorchNative.EnsureLoaded();
        var description = new SoftplusDropoutNetwork().Description;

        using var wrongChannels = new LabeledData(torch.rand(4, 2, 6, 6), torch.zeros(4, dtype: torch.int64));
        var shape = Assert.Throws<ArgumentException>(() => wrongChannels.Validate(description, "training data"));
        Assert.Contains("training data has examples of shape [2, 6, 6]", shape.Message);
        Assert.Contains("[Input(1, 6, 6)]", shape.Message);

        using var wrongLength = new LabeledData(torch.rand(4, 35), torch.zeros(4, dtype: torch.int64));
        Assert.Contains("examples of shape [35] (35 features)", Assert.Throws<ArgumentException>(() => wrongLength.Validate(description)).Message);

        using var negative = new LabeledData(torch.rand(5, 36), torch.tensor(new long[] { 0, 1, 2, -1, 0 }));
        Assert.Contains("label -1 at example 3", Assert.Throws<ArgumentException>(() => negative.Validate(description)).Message);

        using var tooLarge = new LabeledData(torch.rand(5, 36), torch.tensor(new long[] { 0, 3, 2, 1, 0 }));
        Assert.Contains("label 3 at example 1", Assert.Throws<ArgumentException>(() => tooLarge.Validate(description)).Message);

        var values = torch.rand(5, 36);
        values[2, 7] = torch.tensor(float.PositiveInfinity);
        using var infinite = new LabeledData(values, torch.zeros(5, dtype: torch.int64));
        Assert.Contains("Infinity at example 2, feature 7", Assert.Throws<ArgumentException>(() => infinite.Validate(description)).Message);

        // Floating-point labels are a regression network's targets: a classifier refuses them when checking.
        using var targets = new LabeledData(torch.rand(3, 36), torch.rand(3));
        Assert.Equal(1, targets.TargetCount);
        Assert.Contains("real-valued targets", Assert.Throws<ArgumentException>(() => targets.Validate(description)).Message);
        Assert.Throws<ArgumentException>(() => new LabeledData(torch.rand(3, 36), torch.rand(3, 2, 2)));
        Assert.Throws<ArgumentException>(() => LabeledData.FromArray(new float[10], new[] { 0, 1, 2 }));
        Assert.Contains("Example 1 has 2 features", Assert.Throws<ArgumentException>(() => LabeledData.FromRows(new[] { new float[3], new float[2] }, new[] { 0, 1 })).Message);
    }

    [Fact]
    public void TheTrainerRefusesBadDataBeforeItTrains()
    {
        TorchNative.EnsureLoaded();
        using var network = new SmallClassifier();
        using var train = new LabeledData(torch.rand(10, 16), torch.tensor(new long[] { 0, 1, 2, 3, 4, 0, 1, 2, 3, 0 }));

        var refused = Assert.Throws<ArgumentException>(() => new InformationTrainer(network, new TrainingSettings { Epochs = 1 }).Fit(train));

        Assert.Contains("training data has label 4 at example 4", refused.Message);
    }

    [Fact]
    public void ASplitPartitionsTheExamplesRepeatablyBySeed()
    {
        TorchNative.EnsureLoaded();
        const int examples = 50;
        var ids = Enumerable.Range(0, examples).Select(i => (float)i).ToArray();
        using var data = LabeledData.FromArray(ids, Enumerable.Range(0, examples).Select(i => i % 3).ToArray());
        long seed = random.Next();

        var (train, validation) = data.Split(0.2, seed);
        var (again, _) = data.Split(0.2, seed);

        Assert.Equal(40, train.Count);
        Assert.Equal(10, validation.Count);
        var seen = train.Features.data<float>().Concat(validation.Features.data<float>()).Order().ToArray();
        Assert.Equal(ids, seen);
        Assert.True(train.Features.Equals(again.Features));
        Assert.Equal(train.Features.data<float>().Select(id => (long)id % 3), train.Labels.data<long>().ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Split(1.0, seed));
        train.Dispose();
        validation.Dispose();
        again.Dispose();
    }

    [Fact]
    public void StandardizationUsesTheTrainingStatisticsOnly()
    {
        TorchNative.EnsureLoaded();
        using var train = new LabeledData(torch.randn(400, 3).mul_(torch.tensor(new[] { 2f, 0.5f, 0f })).add_(torch.tensor(new[] { 1f, -3f, 7f })), torch.zeros(400, dtype: torch.int64));
        using var test = new LabeledData(torch.randn(100, 3).add_(10), torch.zeros(100, dtype: torch.int64));

        using var standardization = Standardization.Fit(train);
        using var standardTrain = standardization.Apply(train);
        using var standardTest = standardization.Apply(test);

        using var trainMean = standardTrain.Features.mean(new long[] { 0 });
        using var trainStd = standardTrain.Features.std(0, unbiased: false);
        Assert.True(trainMean.abs().max().item<float>() < 1e-5);
        Assert.Equal(1f, trainStd[0].item<float>(), 4);
        Assert.Equal(1f, trainStd[1].item<float>(), 4);
        Assert.Equal(1f, standardization.StandardDeviation[2]);
        using var expected = test.Features.sub(torch.tensor(standardization.Mean)).div(torch.tensor(standardization.StandardDeviation));
        Assert.True(expected.allclose(standardTest.Features));
    }
}
