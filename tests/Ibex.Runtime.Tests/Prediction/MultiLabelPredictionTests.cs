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

/// <summary>A multi-label network from the public API: trained on 0/1 targets, saved, loaded and asked per label.</summary>
public sealed class MultiLabelPredictionTests : IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"ibex-multilabel-{Guid.NewGuid():N}.ibexnet");

    public MultiLabelPredictionTests() => TorchNative.EnsureLoaded();

    public void Dispose() => File.Delete(path);

    [Fact]
    public void PerLabelProbabilitiesEntropyAndMutualInformationSurviveSaveAndLoad()
    {
        int seed = Random.Shared.Next(1, 1_000_000);
        var random = new Random(seed);
        // Label j is present when x·w_j + 0.3·ξ > 0, w_j a random direction.
        var directions = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 8).Select(_ => random.NextDouble() * 2 - 1).ToArray()).ToArray();
        (float[][], float[][]) Draw(int count)
        {
            var x = new float[count][];
            var y = new float[count][];
            for (int i = 0; i < count; i++)
            {
                x[i] = Enumerable.Range(0, 8).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
                y[i] = directions.Select(w => w.Zip(x[i], (a, b) => a * b).Sum() + 0.3 * (random.NextDouble() * 2 - 1) > 0 ? 1f : 0f).ToArray();
            }

            return (x, y);
        }

        var (trainX, trainY) = Draw(3000);
        var (testX, testY) = Draw(2000);
        using var train = LabeledData.FromRows(trainX, trainY);
        using var test = LabeledData.FromRows(testX, testY);
        torch.manual_seed(seed);
        using var network = new MultiLabelNetwork();
        var reports = new InformationTrainer(network, new TrainingSettings { Epochs = 25, BatchSize = 100, Seed = seed }).Fit(train, test);
        // Exact match (all three labels right): the trainer's and test accuracy count that.
        Assert.True(reports[^1].TestAccuracy > 0.75, $"exact-match test accuracy {reports[^1].TestAccuracy:F3} (seed {seed})");

        using (var predictor = new Predictor<MultiLabelNetwork>(network))
        {
            predictor.Save(path);
        }

        using var loaded = Predictor<MultiLabelNetwork>.Load(path);
        var predictions = loaded.PredictLabels(testX, samples: 8);
        double exact = predictions.Select((p, i) => p.Labels.Select(l => l ? 1f : 0f).SequenceEqual(testY[i])).Count(m => m) / (double)testY.Length;
        Assert.True(exact > 0.75, $"exact-match accuracy of the 8-sample predictive {exact:F3} (seed {seed})");
        foreach (var p in predictions)
        {
            for (int j = 0; j < 3; j++)
            {
                double q = p.Probabilities[j];
                double binaryEntropy = q <= 0 || q >= 1 ? 0 : -(q * Math.Log(q) + (1 - q) * Math.Log(1 - q));
                Assert.Equal(binaryEntropy, p.Entropy![j], 1e-5);
                Assert.InRange(p.MutualInformation![j], 0, p.Entropy![j] + 1e-12);
                Assert.Equal(q > 0.5, p.Labels[j]);
            }
        }

        // Examples near a label's boundary are the uncertain ones: mean entropy of the 10% closest above that of the rest.
        var margins = testX.Select(x => directions.Min(w => Math.Abs(w.Zip(x, (a, b) => a * b).Sum()))).ToArray();
        var order = Enumerable.Range(0, testX.Length).OrderBy(i => margins[i]).ToArray();
        double near = order.Take(200).Average(i => predictions[i].Entropy!.Max()), far = order.Skip(1000).Average(i => predictions[i].Entropy!.Max());
        Assert.True(near > 2 * far, $"entropy near the boundaries {near:F3}, far from them {far:F3}");

        var mean = loaded.PredictLabels(testX.Take(5).ToArray(), samples: 0);
        Assert.All(mean, p => Assert.Null(p.Entropy));
        Assert.Equal(network.Description.Likelihood, loaded.Description.Likelihood);
    }
}
