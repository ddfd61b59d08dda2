using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.IO;
using System.Linq;
using Ibex.Examples.PhaseTransition;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Data;
using Ibex.Runtime.Hosting;
using Ibex.Runtime.Reports;
using Ibex.Runtime.Telemetry;
using Ibex.Runtime.Training;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;
using Xunit;

namespace Ibex.Examples.Tests;

public sealed class EvaluationTests
{
    public EvaluationTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void MonteCarloPredictiveIsADistributionWithEntropyAboveMutualInformation()
    {
        using var network = new SmallClassifier();
        using (torch.no_grad())
        {
            foreach (var logAlpha in network.LogAlphaParameters())
            {
                logAlpha.uniform_(-2, 1.3);
            }
        }

        using var inputs = torch.randn(37, 16);
        var (mean, entropy, mutualInformation) = Predictive.Predict(network, inputs, samples: 64);

        Assert.Equal(new long[] { 37, 4 }, mean.shape);
        Assert.True(torch.allclose(mean.sum(new long[] { 1 }), torch.ones(37), atol: 1e-5));
        Assert.True(entropy.le(Math.Log(4) + 1e-5).all().item<bool>(), "entropy of 4 classes is at most log 4");
        Assert.True(mutualInformation.ge(0).all().item<bool>());
        Assert.True(mutualInformation.le(entropy + 1e-5).all().item<bool>(), "I(y; w | x) ≤ H(y | x)");
        Assert.True(mutualInformation.mean().item<float>() > 1e-3, "with α up to e^1.3 the samples must disagree");
    }

    [Fact]
    public void MonteCarloPredictiveOfANearlyDeterministicNetworkIsTheMeanNetwork()
    {
        using var network = new SmallClassifier();
        using (torch.no_grad())
        {
            foreach (var logAlpha in network.LogAlphaParameters())
            {
                logAlpha.fill_(-10);
            }
        }

        using var inputs = torch.randn(20, 16);
        var (mean, _, mutualInformation) = Predictive.Predict(network, inputs, samples: 8);
        network.eval();
        var meanNetwork = torch.nn.functional.softmax(network.call(inputs).Logits, 1);

        Assert.True(torch.allclose(mean, meanNetwork, atol: 2e-3));
        Assert.True(mutualInformation.max().item<float>() < 1e-4);
    }

    [Fact]
    public void LayerInformationAddsUpToTheNetworksInformation()
    {
        using var network = new UnitCapNetwork();
        using (torch.no_grad())
        {
            foreach (var logAlpha in network.LogAlphaParameters())
            {
                logAlpha.uniform_(-12, 2);
            }
        }

        var layers = LayerInformation.Measure(network);

        Assert.Equal(new[] { "Hidden", "Scores" }, layers.Select(l => l.Layer));
        Assert.Equal(network.Information().item<float>(), layers.Sum(l => l.InformationNats), precision: 1);
        Assert.All(layers, l => Assert.Equal(l.InformationNats / Math.Log(2), l.InformationBits, precision: 6));
        foreach (var (layer, noisy) in layers.Zip(network.StochasticLayers()))
        {
            var logAlpha = noisy.LogAlpha;
            Assert.StartsWith("log-normal noise, log-uniform prior: exact", layer.Estimator, StringComparison.Ordinal);
            double expected = logAlpha.ge(0).sum().item<long>() / (double)logAlpha.numel();
            Assert.Equal(expected, layer.FractionAtCap, precision: 9);
            Assert.Equal(logAlpha.clamp(-12, 0).mean().item<float>(), layer.MeanLogAlpha, precision: 4);
        }
    }

    [Fact]
    public void EpochMetricsReachAMeterListener()
    {
        var measurements = new ConcurrentDictionary<string, double>();
        using var services = new ServiceCollection().AddMetrics().AddSingleton<TrainingMetrics>().BuildServiceProvider();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TrainingMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            string suffix = string.Concat(tags.ToArray().Where(t => t.Key is TrainingMetrics.LayerAttribute or TrainingMetrics.SplitAttribute).Select(t => "/" + t.Value));
            Assert.Contains(tags.ToArray(), t => t.Key == TrainingMetrics.NetworkAttribute && (string?)t.Value == "SmallClassifier");
            measurements[instrument.Name + suffix] = value;
        });
        listener.Start();
        using var network = new SmallClassifier();
        var metrics = services.GetRequiredService<TrainingMetrics>();
        var random = new Random();
        var report = new EpochReport(1, 1 + random.NextDouble(), random.NextDouble(), random.NextDouble(), random.NextDouble(), random.NextDouble(), 0.5 + random.NextDouble())
        {
            LearningRate = random.NextDouble() * 1e-2,
            ExamplesPerSecond = 100 + 1000 * random.NextDouble(),
            Layers = LayerInformation.Measure(network),
        };

        metrics.RecordEpoch("SmallClassifier", report);

        Assert.Equal(report.Loss, measurements["ibex.training.loss"]);
        Assert.Equal(report.CrossEntropy, measurements["ibex.training.cross_entropy"]);
        Assert.Equal(report.InformationPerSample, measurements["ibex.training.information_per_sample"]);
        Assert.Equal(report.TrainAccuracy, measurements["ibex.training.accuracy/train"]);
        Assert.Equal(report.TestAccuracy, measurements["ibex.training.accuracy/test"]);
        Assert.Equal(report.LearningRate, measurements["ibex.training.learning_rate"]);
        Assert.Equal(report.ExamplesPerSecond, measurements["ibex.training.throughput"]);
        Assert.Equal(report.Seconds, measurements["ibex.training.epoch.duration"]);
        Assert.True(measurements["ibex.training.layer.information/Hidden"] > 0);
        Assert.Equal(report.Layers.Single(l => l.Layer == "Hidden").InformationNats, measurements["ibex.training.layer.information/Hidden"]);
    }

    [Fact]
    public void ThePyTorchExportRoundTrips()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ibex-export-{Path.GetRandomFileName()}.pt");
        try
        {
            using var original = new SmallClassifier();
            NetworkFile.ExportPyTorch(original, path);
            using var restored = new SmallClassifier();
            NetworkFile.ImportPyTorch(restored, path);

            foreach (var ((name, a), (_, b)) in original.named_parameters().Zip(restored.named_parameters()))
            {
                Assert.True(a.Equals(b), $"{name} changed in the round trip");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ASavedNetworkLoadsOnlyIntoItsOwnDeclaration()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ibex-network-{Path.GetRandomFileName()}.ibexnet");
        try
        {
            using var trained = new SmallClassifier();
            NetworkFile.Save(trained, path);
            using var other = new OtherClassifier();

            var error = Assert.Throws<CheckpointException>(() => NetworkFile.Load(other, path));

            Assert.Contains("SmallClassifier", error.Message);
            Assert.Contains(trained.Description.DeclarationHash, error.Message);
            Assert.Contains(other.Description.DeclarationHash, error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ATruncatedCheckpointIsAClearErrorAndLeavesTheNetworkUntouched()
    {
        string folder = Directory.CreateTempSubdirectory("ibex-truncated-").FullName;
        try
        {
            var store = new CheckpointStore(folder);
            using (var network = new SmallClassifier())
            using (var data = SyntheticClusters.Create(200, 16, 4, seed: 2))
            {
                new InformationTrainer(network, new TrainingSettings { Epochs = 1, BatchSize = 50 }).Run(data, null, null, store, null, default);
            }

            byte[] bytes = File.ReadAllBytes(store.FilePath);
            File.WriteAllBytes(store.FilePath, bytes.AsSpan(0, bytes.Length / 2).ToArray());
            using var fresh = new SmallClassifier();
            var before = fresh.parameters().Select(p => p.detach().clone()).ToList();

            var error = Assert.Throws<CheckpointException>(() => store.TryLoad(fresh));

            Assert.Contains(store.FilePath, error.Message);
            Assert.Contains("truncated", error.Message);
            Assert.All(fresh.parameters().Zip(before), pair => Assert.True(pair.First.Equals(pair.Second)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
