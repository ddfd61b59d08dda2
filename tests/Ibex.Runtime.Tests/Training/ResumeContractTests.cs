using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Data;
using Ibex.Runtime.Tests.Hosting;
using Ibex.Runtime.Training;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Training;

/// <summary>
/// The resume contract: a checkpoint records the settings that define its run, a resume with any of them changed is
/// refused naming the difference, and with <see cref="ResumePolicy.AllowChanges"/> the new values are used for real and
/// recorded as a new run segment.
/// </summary>
public sealed class ResumeContractTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("ibex-resume-").FullName;
    private readonly Random random = new();

    public ResumeContractTests() => TorchNative.EnsureLoaded();

    public void Dispose() => Directory.Delete(folder, recursive: true);

    public static TheoryData<string, Func<TrainingSettings, TrainingSettings>, string, string> Drifts => new()
    {
        { "Beta", s => s with { Beta = 10 }, "0.01", "10" },
        { "BetaWarmupEpochs", s => s with { BetaWarmupEpochs = 3 }, "0", "3" },
        { "BatchSize", s => s with { BatchSize = 40 }, "50", "40" },
        { "Seed", s => s with { Seed = 99 }, "7", "99" },
        { "Optimizer", s => s with { Optimizer = OptimizerKind.Sgd }, "Adam", "Sgd" },
        { "LearningRate", s => s with { LearningRate = 5e-4 }, "0.001", "0.0005" },
        { "LogAlphaLearningRate", s => s with { LogAlphaLearningRate = 0.01 }, "0.03", "0.01" },
        { "Schedule", s => s with { Schedule = LearningRateSchedule.Cosine }, "Constant", "Cosine" },
        { "Data:Path", s => s with { DataFingerprint = new Dictionary<string, string> { ["Path"] = "/other/train.csv" } }, "/data/train.csv", "/other/train.csv" },
    };

    [Theory]
    [MemberData(nameof(Drifts))]
    public void AResumeWithAChangedSettingIsRefusedNamingIt(string name, Func<TrainingSettings, TrainingSettings> change, string before, string after)
    {
        var (store, data) = TrainOneEpochOfTwo(Baseline());
        using var network = new SmallClassifier();
        var checkpoint = store.TryLoad(network)!;

        var error = Assert.Throws<ResumeMismatchException>(() =>
            new InformationTrainer(network, change(Baseline())).Run(data, null, null, store, checkpoint, default));

        // Switching to SGD also brings in its momentum; every other drift is the one difference.
        Assert.Equal(name == "Optimizer" ? 2 : 1, error.Differences.Count);
        Assert.Contains(new SettingChange(name, before, after), error.Differences);
        Assert.Contains($"{name}: checkpoint {before}, now {after}", error.Message);
        Assert.Contains("Resume = AllowChanges", error.Message);
        data.Dispose();
    }

    [Fact]
    public void ADifferentTrainingSetSizeIsRefused()
    {
        var (store, data) = TrainOneEpochOfTwo(Baseline());
        using var smaller = data.Take(150);
        using var network = new SmallClassifier();

        var error = Assert.Throws<ResumeMismatchException>(() =>
            new InformationTrainer(network, Baseline()).Run(smaller, null, null, store, store.TryLoad(network), default));

        Assert.Equal(new SettingChange("TrainingExamples", "200", "150"), Assert.Single(error.Differences));
        data.Dispose();
    }

    [Fact]
    public void AnAllowedLearningRateChangeIsTheRateUsed()
    {
        var (store, data) = TrainOneEpochOfTwo(Baseline());
        using var network = new SmallClassifier();
        var checkpoint = store.TryLoad(network)!;
        var atCheckpoint = network.MeanParameters().Select(p => p.detach().clone()).ToList();
        var slower = Baseline() with { LearningRate = 1e-9, LogAlphaLearningRate = 1e-9, Resume = ResumePolicy.AllowChanges };

        var outcome = new InformationTrainer(network, slower).Run(data, null, null, store, checkpoint, default);

        // Adam moves every weight by about the learning rate per step: 4 steps at 1e-9 leave them within 1e-7.
        double moved = network.MeanParameters().Zip(atCheckpoint).Max(pair => (pair.First - pair.Second).abs().max().item<float>());
        Assert.True(moved < 1e-7, $"the weights moved {moved} at a learning rate of 1e-9: the checkpoint's rate was used");
        Assert.Equal(2, outcome.Segments.Count);
        Assert.Equal(2, outcome.Segments[1].Epoch);
        Assert.Equal(new[] { "LearningRate", "LogAlphaLearningRate" }, outcome.Segments[1].Changes.Select(c => c.Name));
        data.Dispose();
    }

    [Fact]
    public void SwitchingTheOptimizerWithAllowChangesStartsItAfreshAndTrains()
    {
        var (store, data) = TrainOneEpochOfTwo(Baseline());
        using var network = new SmallClassifier();
        var checkpoint = store.TryLoad(network)!;

        var outcome = new InformationTrainer(network, Baseline() with { Optimizer = OptimizerKind.Sgd, Resume = ResumePolicy.AllowChanges })
            .Run(data, null, null, store, checkpoint, default);

        Assert.True(outcome.Completed);
        Assert.True(double.IsFinite(outcome.Reports[^1].Loss));
        using var reloaded = new SmallClassifier();
        Assert.Equal(3, store.TryLoad(reloaded)!.Metadata.Epoch);
    }

    [Fact]
    public void ChangingTheBatchSizeIsAllowedAtAnEpochBoundaryButNotInsideAnEpoch()
    {
        var allow = Baseline() with { BatchSize = 40, Resume = ResumePolicy.AllowChanges };
        var (boundary, data) = TrainOneEpochOfTwo(Baseline());
        using (var network = new SmallClassifier())
        {
            var outcome = new InformationTrainer(network, allow).Run(data, null, null, boundary, boundary.TryLoad(network), default);
            Assert.True(outcome.Completed);
        }

        var inside = new CheckpointStore(Path.Combine(folder, "inside"));
        using (var network = new SmallClassifier())
        using (var stop = new CancellationTokenSource())
        {
            new InformationTrainer(network, Baseline()).Run(data, null, new StopAfterBatches(2, stop), inside, null, stop.Token);
        }

        using var resumed = new SmallClassifier();
        var checkpoint = inside.TryLoad(resumed)!;
        Assert.Equal(2, checkpoint.Metadata.NextBatch);
        var error = Assert.Throws<ResumeMismatchException>(() => new InformationTrainer(resumed, allow).Run(data, null, null, inside, checkpoint, default));
        Assert.Contains("can change only at an epoch boundary", error.Message);
        data.Dispose();
    }

    [Fact]
    public async Task TheHostedWorkerRefusesAChangedBetaWithTheOptionNameAndExitCode2()
    {
        using var harness = new HostHarness();
        var options = harness.SyntheticRun(epochs: 2, seed: random.Next());
        options["Ibex:Training:Beta"] = "0.01";
        options["Ibex:Training:Epochs"] = "1";
        Assert.Equal(0, await harness.RunAsync(harness.Build<SmallClassifier>(options)));

        options["Ibex:Training:Beta"] = "10";
        options["Ibex:Training:Epochs"] = "2";
        int exitCode = await harness.RunAsync(harness.Build<SmallClassifier>(options));

        Assert.Equal(2, exitCode);
        Assert.Contains(harness.Logs, line => line.Contains("Ibex:Training:Beta: checkpoint 0.01, now 10", StringComparison.Ordinal));

        options["Ibex:Training:Resume"] = "AllowChanges";
        Assert.Equal(0, await harness.RunAsync(harness.Build<SmallClassifier>(options)));
        using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(harness.OutputDirectory, "report.json")));
        Assert.Equal(10, report.RootElement.GetProperty("beta").GetDouble());
        var segments = report.RootElement.GetProperty("segments");
        Assert.Equal(2, segments.GetArrayLength());
        Assert.Equal("Beta", segments[1].GetProperty("changes")[0].GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("Seed", "11")]
    [InlineData("Optimizer", "Sgd")]
    [InlineData("LearningRate", "0.002")]
    [InlineData("BatchSize", "60")]
    [InlineData("Data:RandomLabelFraction", "0.5")]
    [InlineData("Data:LabelSeed", "5")]
    [InlineData("Data:Standardize", "true")]
    [InlineData("Data:SyntheticExamples", "500")]
    [InlineData("Data:TrainSize", "300")]
    public async Task TheHostedWorkerRefusesEveryChangedSettingThatDefinesTheRun(string key, string value)
    {
        using var harness = new HostHarness();
        var options = harness.SyntheticRun(epochs: 1, seed: 3);
        Assert.Equal(0, await harness.RunAsync(harness.Build<SmallClassifier>(options)));

        options["Ibex:Training:" + key] = value;
        options["Ibex:Training:Epochs"] = "2";
        Assert.Equal(2, await harness.RunAsync(harness.Build<SmallClassifier>(options)));
        string refusal = Assert.Single(harness.Logs, line => line.Contains("Resume refused", StringComparison.Ordinal));
        Assert.Contains($"Ibex:Training:{key}: checkpoint ", refusal);
        Assert.Contains($", now {value}", refusal);
    }

    [Fact]
    public void ACheckpointNamesTheNoiseOfItsNetwork()
    {
        using var data = SyntheticClusters.Create(40, 50, 27, random.Next());
        var gaussianStore = new CheckpointStore(Path.Combine(folder, "gaussian"));
        using (var gaussian = new GaussianConvolutionProbe())
        {
            new InformationTrainer(gaussian, new TrainingSettings { Epochs = 1, BatchSize = 20 }).Run(data, null, null, gaussianStore, null, default);
        }

        using var reloaded = new GaussianConvolutionProbe();
        Assert.Equal("Gaussian weights", gaussianStore.TryLoad(reloaded)!.Metadata.NoiseFamily);

        var (logNormalStore, clusters) = TrainOneEpochOfTwo(Baseline());
        using var logNormal = new SmallClassifier();
        Assert.Equal("log-normal weights", logNormalStore.TryLoad(logNormal)!.Metadata.NoiseFamily);
        clusters.Dispose();
    }

    private TrainingSettings Baseline() => new()
    {
        Epochs = 2,
        BatchSize = 50,
        Seed = 7,
        Beta = 0.01,
        DataFingerprint = new Dictionary<string, string> { ["Path"] = "/data/train.csv" },
    };

    private (CheckpointStore Store, LabeledData Data) TrainOneEpochOfTwo(TrainingSettings settings)
    {
        var store = new CheckpointStore(Path.Combine(folder, $"run-{Guid.NewGuid():N}"));
        var data = SyntheticClusters.Create(200, 16, 4, random.Next());
        using var network = new SmallClassifier();
        using var stop = new CancellationTokenSource();
        new InformationTrainer(network, settings).Run(data, null, new StopAtEpochEnd(1, stop), store, null, stop.Token);
        return (store, data);
    }

    private sealed class StopAtEpochEnd(int epoch, CancellationTokenSource stop) : ITrainingObserver
    {
        public void OnEpochCompleted(EpochReport report)
        {
            if (report.Epoch == epoch)
            {
                stop.Cancel();
            }
        }
    }

    private sealed class StopAfterBatches(int batches, CancellationTokenSource stop) : ITrainingObserver
    {
        private int seen;

        public void OnBatchCompleted(BatchProgress progress)
        {
            if (++seen == batches)
            {
                stop.Cancel();
            }
        }
    }
}
