using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Data;
using Ibex.Runtime.Hosting;
using Ibex.Runtime.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Hosting;

public sealed class HostedTrainingTests : IDisposable
{
    private readonly HostHarness harness = new();

    public HostedTrainingTests() => TorchNative.EnsureLoaded();

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task AHostedRunTrainsToTheEndAndWritesItsReportAndNetwork()
    {
        using var host = harness.Build<SmallClassifier>(harness.SyntheticRun(epochs: 4, seed: Random.Shared.Next()));

        int exitCode = await harness.RunAsync(host);

        Assert.Equal(0, exitCode);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(harness.OutputDirectory, "report.json")));
        var root = report.RootElement;
        Assert.Equal("SmallClassifier", root.GetProperty("network").GetString());
        Assert.Equal(4, root.GetProperty("epochs").GetArrayLength());
        Assert.Equal(new[] { "Hidden", "Scores" }, root.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("layer").GetString()).ToArray());
        var final = root.GetProperty("final");
        Assert.True(final.GetProperty("testMeanNetwork").GetDouble() > 0.6, report.RootElement.ToString());
        Assert.True(final.GetProperty("testMonteCarlo").GetDouble() > 0.6);
        Assert.True(root.GetProperty("informationPerSample").GetDouble() > 0);
        Assert.Equal(4, root.GetProperty("settings").GetProperty("epochs").GetInt32());

        using var restored = new SmallClassifier();
        NetworkFile.Load(restored, Path.Combine(harness.OutputDirectory, "network.ibexnet"));
        Assert.Equal(root.GetProperty("informationNats").GetDouble(), restored.Information().item<float>(), precision: 0);
    }

    [Fact]
    public async Task AHostedRunCanExportItsNetworkAndPruneIt()
    {
        var settings = harness.SyntheticRun(epochs: 2, seed: Random.Shared.Next());
        settings["Ibex:Training:ExportOnnx"] = "true";
        settings["Ibex:Training:Prune:Enabled"] = "true";
        // A threshold above every ρ's cap prunes nothing (the unit tests prune for real): the report must say why, and the
        // pruned network is the network.
        settings["Ibex:Training:Prune:LogAlphaThreshold"] = "100";
        settings["Ibex:Training:Prune:FineTuneEpochs"] = "1";
        using var host = harness.Build<SmallClassifier>(settings);

        Assert.Equal(0, await harness.RunAsync(host));

        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(harness.OutputDirectory, "report.json")));
        var pruning = report.RootElement.GetProperty("pruning");
        var layers = pruning.GetProperty("report").GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(new[] { "Hidden", "Scores" }, layers.Select(l => l.GetProperty("layer").GetString()));
        Assert.All(layers, l => Assert.Equal(100, l.GetProperty("threshold").GetDouble()));
        Assert.All(layers, l => Assert.True(l.GetProperty("thresholdAboveCap").GetBoolean()));
        long weights = pruning.GetProperty("report").GetProperty("weights").GetInt64();
        long kept = pruning.GetProperty("report").GetProperty("keptWeights").GetInt64();
        Assert.Equal(16 * 64 + 64 * 4, weights);
        Assert.Equal(weights, kept);
        Assert.InRange(pruning.GetProperty("testMeanNetwork").GetDouble(), 0, 1);
        Assert.Equal(1, pruning.GetProperty("fineTuneEpochs").GetInt32());
        Assert.True(harness.Logs.Any(line => line.Contains($"Pruned: {kept} of {weights} stochastic weights kept")), string.Join("\n", harness.Logs));

        using var network = new SmallClassifier();
        NetworkFile.Load(network, Path.Combine(harness.OutputDirectory, "network.ibexnet"));
        network.eval();
        var inputs = torch.randn(8, 16);
        var expected = network.call(inputs).Logits.data<float>().ToArray();
        foreach (string file in new[] { report.RootElement.GetProperty("onnxFile").GetString()!, pruning.GetProperty("onnxFile").GetString()! })
        {
            using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(file);
            using var results = session.Run(new[] { Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("input",
                new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(inputs.data<float>().ToArray(), new[] { 8, 16 })) });
            var scores = results.Single().AsTensor<float>().ToArray();
            Assert.Equal(expected.Length, scores.Length);
            if (file.EndsWith("network.onnx", StringComparison.Ordinal))
            {
                Assert.True(expected.Zip(scores).All(p => Math.Abs(p.First - p.Second) <= 1e-4 * (1 + Math.Abs(p.First))), "network.onnx must give the saved network's scores");
            }
        }
    }

    [Theory]
    [InlineData("Ibex:Training:Epochs", "0", "Ibex:Training:Epochs = 0 is invalid: it must be between 1 and 1000000")]
    [InlineData("Ibex:Training:LearningRate", "-0.5", "Ibex:Training:LearningRate = -0.5 is invalid: it must be in (0, 10]")]
    [InlineData("Ibex:Training:Device", "gpu", "Ibex:Training:Device = gpu is invalid: it must be auto, cpu, cuda or cuda:N")]
    [InlineData("Ibex:Training:Data:RandomLabelFraction", "1.5", "Ibex:Training:Data:RandomLabelFraction = 1.5 is invalid: it must be between 0 and 1")]
    [InlineData("Ibex:Training:Beta", "-1", "Ibex:Training:Beta = -1 is invalid: it must be a number ≥ 0")]
    [InlineData("Ibex:Training:Prune:LogAlphaThreshold", "Infinity", "Ibex:Training:Prune:LogAlphaThreshold = Infinity is invalid: it must be a finite number")]
    [InlineData("Ibex:Training:Prune:Initializers", "Zip", "Ibex:Training:Prune:Initializers")]
    [InlineData("Ibex:Training:Prune:FineTuneEpochs", "-1", "Ibex:Training:Prune:FineTuneEpochs = -1 is invalid: it must be between 0 and 1000000")]
    [InlineData("Ibex:Training:LibTorchPath", "/nowhere/torch/lib", "Ibex:Training:LibTorchPath = /nowhere/torch/lib is invalid: it must be an existing folder")]
    public async Task AnInvalidOptionStopsTheHostAtStartNamingTheKey(string key, string value, string expected)
    {
        var settings = harness.SyntheticRun(epochs: 1, seed: 1);
        settings[key] = value;
        using var host = harness.Build<SmallClassifier>(settings);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, error.Message);
        Assert.False(Directory.Exists(harness.CheckpointDirectory), "no training may happen with invalid options");
    }

    [Fact]
    public async Task AStoppedRunWritesACheckpointAndResumesToTheSameWeightsAsAnUninterruptedRun()
    {
        long seed = Random.Shared.Next();
        using var reference = new HostHarness();
        using (var host = reference.Build<SmallClassifier>(reference.SyntheticRun(epochs: 3, seed)))
        {
            Assert.Equal(0, await reference.RunAsync(host));
        }

        // Stop in the middle of epoch 2, as Ctrl+C or SIGTERM would.
        using (var host = harness.Build<SmallClassifier>(harness.SyntheticRun(epochs: 3, seed),
                   services => services.AddSingleton<ITrainingObserver>(provider => new StopAfter(provider.GetRequiredService<IHostApplicationLifetime>(), epoch: 2, batch: 5))))
        {
            Assert.Equal(3, await harness.RunAsync(host));
        }

        Assert.True(File.Exists(Path.Combine(harness.CheckpointDirectory, CheckpointStore.FileName)));
        Assert.False(File.Exists(Path.Combine(harness.OutputDirectory, "report.json")), "an interrupted run must not report");
        Assert.True(harness.Logs.Any(line => line.Contains("Training stopped at epoch 2, batch 6")), string.Join("\n", harness.Logs));

        using (var host = harness.Build<SmallClassifier>(harness.SyntheticRun(epochs: 3, seed)))
        {
            Assert.Equal(0, await harness.RunAsync(host));
        }

        Assert.Contains(harness.Logs, line => line.Contains("Resuming from") && line.Contains("at epoch 2, batch 6"));
        using var uninterrupted = new SmallClassifier();
        using var resumed = new SmallClassifier();
        NetworkFile.Load(uninterrupted, Path.Combine(reference.OutputDirectory, "network.ibexnet"));
        NetworkFile.Load(resumed, Path.Combine(harness.OutputDirectory, "network.ibexnet"));
        foreach (var ((name, a), (_, b)) in uninterrupted.named_parameters().Zip(resumed.named_parameters()))
        {
            Assert.True(a.Equals(b), $"parameter {name} differs between the uninterrupted and the resumed run");
        }

        static double[] Losses(string folder)
        {
            using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "report.json")));
            return report.RootElement.GetProperty("epochs").EnumerateArray().Select(e => e.GetProperty("loss").GetDouble()).ToArray();
        }

        Assert.Equal(Losses(reference.OutputDirectory), Losses(harness.OutputDirectory));
    }

    [Fact]
    public async Task ACheckpointOfAnotherNetworkIsRefusedWithBothDeclarations()
    {
        using (var host = harness.Build<SmallClassifier>(harness.SyntheticRun(epochs: 1, seed: 1)))
        {
            Assert.Equal(0, await harness.RunAsync(host));
        }

        using (var host = harness.Build<OtherClassifier>(harness.SyntheticRun(epochs: 1, seed: 1)))
        {
            Assert.Equal(1, await harness.RunAsync(host));
        }

        var failure = Assert.Single(harness.Logs, line => line.StartsWith("Critical"));
        Assert.Contains("written for network 'SmallClassifier'", failure);
        Assert.Contains("this run trains 'OtherClassifier'", failure);
        Assert.Contains(CheckpointStore.FileName, failure);
    }

    [Fact]
    public async Task ATruncatedDataFileStopsTheRunBeforeTrainingNamingTheFile()
    {
        string data = Path.Combine(harness.Folder, "fashion");
        Directory.CreateDirectory(data);
        foreach (var name in new[] { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" })
        {
            File.Copy(Path.Combine(FashionMnist.DefaultDirectory, name), Path.Combine(data, name));
        }

        string truncated = Path.Combine(data, "train-images-idx3-ubyte");
        byte[] plain = IdxBytes(Path.Combine(FashionMnist.DefaultDirectory, "train-images-idx3-ubyte.gz"));
        File.Delete(truncated + ".gz");
        File.WriteAllBytes(truncated, plain.AsSpan(0, plain.Length / 3).ToArray());
        var settings = harness.SyntheticRun(epochs: 1, seed: 1);
        settings["Ibex:Training:Data:Source"] = "FashionMnist";
        settings["Ibex:Training:Data:Path"] = data;
        using var host = harness.Build<SmallFashionMlp>(settings);

        Assert.Equal(1, await harness.RunAsync(host));

        var failure = Assert.Single(harness.Logs, line => line.StartsWith("Critical"));
        Assert.Contains(truncated, failure);
        Assert.Contains("truncated", failure);
        Assert.False(File.Exists(Path.Combine(harness.CheckpointDirectory, CheckpointStore.FileName)), "no training may happen on broken data");
    }

    [Fact]
    public async Task ANaNInjectedIntoTheDataStopsTrainingAndLeavesTheLastCheckpointReadable()
    {
        var source = new SyntheticSource();
        using var host = harness.Build<SmallClassifier>(harness.SyntheticRun(epochs: 3, seed: 5), services =>
        {
            services.AddSingleton<ITrainingDataSource>(source);
            services.AddSingleton<ITrainingObserver>(new PoisonAfterFirstEpoch(source));
        });

        Assert.Equal(1, await harness.RunAsync(host));

        var failure = Assert.Single(harness.Logs, line => line.StartsWith("Critical"));
        Assert.Matches("diverged in epoch 2, batch [0-9]+", failure);
        using var network = new SmallClassifier();
        var checkpoint = new CheckpointStore(harness.CheckpointDirectory).TryLoad(network);
        Assert.NotNull(checkpoint);
        Assert.Equal(2, checkpoint.Metadata.Epoch);
        Assert.Equal(0, checkpoint.Metadata.NextBatch);
        Assert.All(network.parameters(), p => Assert.True(p.isfinite().all().item<bool>()));
    }

    private static byte[] IdxBytes(string gzipPath)
    {
        using var input = new System.IO.Compression.GZipStream(File.OpenRead(gzipPath), System.IO.Compression.CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>Asks the host to stop after a given batch, as a signal would.</summary>
    private sealed class StopAfter(IHostApplicationLifetime lifetime, int epoch, long batch) : ITrainingObserver
    {
        public void OnBatchCompleted(BatchProgress progress)
        {
            if (progress.Epoch == epoch && progress.Batch == batch + 1)
            {
                lifetime.StopApplication();
            }
        }
    }

    private sealed class SyntheticSource : ITrainingDataSource
    {
        public LabeledData? Train { get; private set; }

        public TrainingData Load(NetworkDescription network, System.Threading.CancellationToken cancellationToken)
        {
            Train = SyntheticClusters.Create(600, network.InputFeatures, network.Classes, seed: 11);
            return new TrainingData(Train, Test: null);
        }
    }

    /// <summary>Writes a NaN into one training example once the first epoch (and its checkpoint) is done.</summary>
    private sealed class PoisonAfterFirstEpoch(SyntheticSource source) : ITrainingObserver
    {
        public void OnCheckpointWritten(string path, int epoch, long nextBatch)
        {
            if (epoch == 2)
            {
                using var noGrad = torch.no_grad();
                source.Train!.Features[123, 4] = torch.tensor(float.NaN);
            }
        }
    }
}
