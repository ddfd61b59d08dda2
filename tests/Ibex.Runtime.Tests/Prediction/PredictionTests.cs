using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Hosting;
using Ibex.Runtime.Prediction;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Prediction;

/// <summary>
/// The prediction API: it never changes the network, gives an example the same result whatever batch it arrives in (mean
/// network and seeded Monte-Carlo alike), bounds its memory by chunks, estimates the predictive of explicit weight samples,
/// and refuses bad input by name.
/// </summary>
public sealed class PredictionTests
{
    private const float Tolerance = 1e-5f;

    [Fact]
    public void PredictingNeverChangesTheTrainedNetworkNorItsOwnCopy()
    {
        TorchNative.EnsureLoaded();
        using var trained = TrainedBatchNormNetwork();
        var before = trained.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        using var inputs = torch.randn(20, 36);
        using var predictor = new Predictor<SoftplusDropoutNetwork>(trained);

        var first = predictor.PredictBatch(inputs, samples: 0);
        var sampled = predictor.PredictBatch(inputs, samples: 4);
        var again = predictor.PredictBatch(inputs, samples: 0);

        Assert.True(trained.training, "the caller's network left training mode");
        foreach (var (name, value) in trained.state_dict())
        {
            Assert.True(before[name].Equals(value), $"{name} of the caller's network changed");
        }

        for (int i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].Probabilities, again[i].Probabilities);
            Assert.Equal(4, sampled[i].Samples);
        }

        foreach (var value in before.Values)
        {
            value.Dispose();
        }
    }

    [Fact]
    public void AnExampleGetsTheSameResultAloneOrInsideAnyBatch()
    {
        TorchNative.EnsureLoaded();
        using var trained = TrainedBatchNormNetwork();
        using var predictor = new Predictor<SoftplusDropoutNetwork>(trained);
        using var inputs = torch.randn(25, 1, 6, 6);
        using var order = torch.randperm(25);

        foreach (int samples in new[] { 0, 6 })
        {
            var inBatch = predictor.PredictBatch(inputs, samples);
            using var shuffled = inputs.index_select(0, order);
            var inShuffledBatch = predictor.PredictBatch(shuffled, samples);
            long[] position = order.data<long>().ToArray();
            for (int j = 0; j < position.Length; j++)
            {
                AssertSame(inBatch[(int)position[j]], inShuffledBatch[j], $"example {position[j]} at position {j}, S = {samples}");
            }

            for (int i = 0; i < 25; i += 6)
            {
                using var alone = inputs[i];
                AssertSame(inBatch[i], predictor.PredictBatch(alone, samples)[0], $"example {i} alone, S = {samples}");
            }
        }
    }

    [Fact]
    public void ChunksUnderASmallMemoryBudgetGiveTheSameResults()
    {
        TorchNative.EnsureLoaded();
        using var trained = new SmallFashionMlp();
        using var inputs = torch.rand(300, 784);
        using var roomy = new Predictor<SmallFashionMlp>(trained);
        using var tight = new Predictor<SmallFashionMlp>(trained, new PredictionOptions { MemoryBudgetBytes = 1 << 20 });
        Assert.True(tight.ExamplesPerChunk < 300, $"a 1 MiB budget still takes {tight.ExamplesPerChunk} examples at once");
        Assert.True(roomy.ExamplesPerChunk >= 300);

        var whole = roomy.PredictBatch(inputs, samples: 3);
        var chunked = tight.PredictBatch(inputs, samples: 3);

        for (int i = 0; i < 300; i++)
        {
            AssertSame(whole[i], chunked[i], $"example {i}");
        }
    }

    [Fact]
    public void MonteCarloMatchesTheMeanOfExplicitWeightSamples()
    {
        TorchNative.EnsureLoaded();
        using var network = new SingleLayerNetwork();
        var layer = (StochasticDenseLayer)network.Scores;
        using (torch.no_grad())
        {
            layer.LogAlpha.uniform_(-1.0, 1.0);
        }

        using var input = torch.randn(1, 6);
        const int samples = 4000;
        using var predictor = new Predictor<SingleLayerNetwork>(network, new PredictionOptions { Seed = null });
        var prediction = predictor.PredictBatch(input, samples)[0];

        // The same predictive from weights drawn one by one with LogNormalNoise: w = ŵ·ε, log ε ~ N(−α/2, α).
        var draws = torch.zeros(samples, 4, dtype: torch.float64);
        using (torch.no_grad())
        {
            var max = network.Description.Information.AlphaMax;
            for (int s = 0; s < samples; s++)
            {
                using var scope = torch.NewDisposeScope();
                var weights = LogNormalNoise.SampleWeights(layer, network.Description.Information.MinLogAlpha, Math.Log(max));
                var logits = torch.nn.functional.linear(input, weights, layer.Bias);
                draws[s].copy_(torch.nn.functional.softmax(logits, 1)[0].to(torch.float64));
            }
        }

        var (mean, meanError, _, _) = Statistics.Moments(draws);
        for (int k = 0; k < 4; k++)
        {
            // Two independent estimates of the same expectation: their difference has √2 times one's standard error.
            Statistics.AssertWithin(mean[k], prediction.Probabilities[k], Math.Sqrt(2) * meanError[k] + 1e-6, 5, $"p̄[{k}]");
        }

        double entropy = -prediction.Probabilities.Sum(p => p * Math.Log(p));
        Assert.Equal(entropy, prediction.PredictiveEntropy!.Value, 4);
        Assert.InRange(prediction.MutualInformation!.Value, 1e-4, entropy);
        draws.Dispose();
    }

    [Fact]
    public void TenThousandSamplesComplete()
    {
        TorchNative.EnsureLoaded();
        using var network = new SmallClassifier();
        using var predictor = new Predictor<SmallClassifier>(network);
        using var inputs = torch.randn(3, 16);

        var predictions = predictor.PredictBatch(inputs, samples: 10_000);

        Assert.All(predictions, p =>
        {
            Assert.Equal(10_000, p.Samples);
            Assert.Equal(1.0, p.Probabilities.Sum(x => (double)x), 4);
            Assert.InRange(p.MutualInformation!.Value, 0, p.PredictiveEntropy!.Value);
        });
    }

    [Fact]
    public async Task ConcurrentCallsGiveWhatSequentialCallsGive()
    {
        TorchNative.EnsureLoaded();
        using var network = new SmallClassifier();
        using var predictor = new Predictor<SmallClassifier>(network);
        using var inputs = torch.randn(40, 16);
        var expected = predictor.PredictBatch(inputs, samples: 5);
        float[] flat = inputs.data<float>().ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => predictor.PredictBatch(flat, samples: 5))));

        foreach (var result in results)
        {
            for (int i = 0; i < 40; i++)
            {
                AssertSame(expected[i], result[i], $"example {i}");
            }
        }
    }

    [Fact]
    public void ASavedNetworkPredictsAsTheTrainedOneAndComesFromTheContainer()
    {
        TorchNative.EnsureLoaded();
        string path = Path.Combine(Path.GetTempPath(), $"ibex-predict-{Path.GetRandomFileName()}.ibexnet");
        try
        {
            using var trained = new SmallClassifier();
            NetworkFile.Save(trained, path);
            using var inputs = torch.randn(7, 16);
            using var direct = new Predictor<SmallClassifier>(trained);
            var expected = direct.PredictBatch(inputs, samples: 3);

            using (var services = new ServiceCollection().AddIbexPrediction<SmallClassifier>(path).BuildServiceProvider())
            {
                var predictor = services.GetRequiredService<Predictor<SmallClassifier>>();
                Assert.Same(predictor, services.GetRequiredService<Predictor<SmallClassifier>>());
                var loaded = predictor.PredictBatch(inputs, samples: 3);
                for (int i = 0; i < 7; i++)
                {
                    AssertSame(expected[i], loaded[i], $"example {i}");
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void BadInputIsRefusedByName()
    {
        TorchNative.EnsureLoaded();
        using var network = new SoftplusDropoutNetwork();
        using var predictor = new Predictor<SoftplusDropoutNetwork>(network);

        var wrongLength = Assert.Throws<ArgumentException>(() => predictor.Predict(new float[35], samples: 0));
        Assert.Contains("36 features", wrongLength.Message);

        var ragged = Assert.Throws<ArgumentException>(() => predictor.PredictBatch(new[] { new float[36], new float[30] }, samples: 0));
        Assert.Contains("Example 1 has 30 values", ragged.Message);

        var values = new float[3 * 36];
        values[2 * 36 + 5] = float.NaN;
        var notFinite = Assert.Throws<ArgumentException>(() => predictor.PredictBatch(values, samples: 0));
        Assert.Contains("Example 2, feature 5 is NaN", notFinite.Message);

        using var wrongShape = torch.zeros(4, 2, 6, 6);
        var shape = Assert.Throws<ArgumentException>(() => predictor.PredictBatch(wrongShape, samples: 0));
        Assert.Contains("[1, 6, 6]", shape.Message);
        Assert.Contains("[4, 2, 6, 6]", shape.Message);

        using var integers = torch.zeros(new long[] { 2, 36 }, dtype: torch.int32);
        Assert.Contains("float32 or float64", Assert.Throws<ArgumentException>(() => predictor.PredictBatch(integers, samples: 0)).Message);

        Assert.Throws<ArgumentOutOfRangeException>(() => predictor.PredictBatch(new float[36], samples: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Predictor<SoftplusDropoutNetwork>(network, new PredictionOptions { MemoryBudgetBytes = 1000 }));

        using var doubles = torch.randn(new long[] { 2, 1, 6, 6 }, dtype: torch.float64);
        using var floats = doubles.to(torch.float32);
        var fromDoubles = predictor.PredictBatch(doubles, samples: 0);
        var fromFloats = predictor.PredictBatch(floats, samples: 0);
        AssertSame(fromFloats[1], fromDoubles[1], "float64 input");
    }

    /// <summary>A network with BatchNorm, whose running statistics a few training passes have moved away from 0 and 1.</summary>
    private static SoftplusDropoutNetwork TrainedBatchNormNetwork()
    {
        var network = new SoftplusDropoutNetwork();
        network.train();
        using (torch.no_grad())
        {
            foreach (var alpha in network.LogAlphaParameters())
            {
                alpha.fill_(-1.0);
            }

            for (int pass = 0; pass < 5; pass++)
            {
                using var batch = torch.randn(32, 36).mul_(2).add_(0.5);
                var (logits, information) = network.call(batch);
                logits.Dispose();
                information.Dispose();
            }
        }

        return network;
    }

    private static void AssertSame(ClassPrediction expected, ClassPrediction actual, string what)
    {
        Assert.Equal(expected.Class, actual.Class);
        Assert.Equal(expected.Samples, actual.Samples);
        for (int k = 0; k < expected.Probabilities.Count; k++)
        {
            Assert.True(Math.Abs(expected.Probabilities[k] - actual.Probabilities[k]) <= Tolerance,
                $"{what}: p[{k}] {expected.Probabilities[k]} vs {actual.Probabilities[k]}");
        }

        Assert.Equal(expected.PredictiveEntropy.HasValue, actual.PredictiveEntropy.HasValue);
        if (expected.PredictiveEntropy is { } entropy)
        {
            Assert.True(Math.Abs(entropy - actual.PredictiveEntropy!.Value) <= Tolerance, $"{what}: entropy {entropy} vs {actual.PredictiveEntropy}");
            Assert.True(Math.Abs(expected.MutualInformation!.Value - actual.MutualInformation!.Value) <= Tolerance,
                $"{what}: mutual information {expected.MutualInformation} vs {actual.MutualInformation}");
        }
    }
}
