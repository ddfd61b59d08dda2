using System;
using System.IO;
using System.Linq;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Data;
using Ibex.Runtime.Prediction;
using Ibex.Runtime.Training;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Persistence;

/// <summary>
/// A saved network is a bundle of what prediction needs: a network trained on standardized data predicts raw rows as it
/// predicted the standardized ones before it was saved, and keeps its class names; files without the bundle still load.
/// </summary>
public sealed class NetworkBundleTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("ibex-bundle-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void ANetworkTrainedOnStandardizedDataPredictsRawRowsAfterSavingAndLoading()
    {
        using var data = new StandardizedClusters();
        var (rawTest, standardization, network) = (data.RawTest, data.Standardization, data.Network);
        var reports = new InformationTrainer(network, new TrainingSettings { Epochs = 3, BatchSize = 50 }).Fit(data.Train, data.Test);
        Assert.Equal(standardization.Statistics, network.InputStandardization);

        string path = Path.Combine(folder, "network.ibexnet");
        NetworkFile.Save(network, path);
        using var loaded = Predictor<SmallClassifier>.Load(path);

        Assert.Equal(standardization.Statistics, loaded.InputStandardization);
        var fromRaw = loaded.PredictBatch(rawTest.Features, samples: 0);
        double accuracy = fromRaw.Zip(rawTest.Labels.data<long>().ToArray()).Count(p => p.First.Class == p.Second) / (double)rawTest.Count;
        Assert.Equal(reports[^1].TestAccuracy, accuracy, 9);
        using var inMemory = new Predictor<SmallClassifier>(network);
        var fromInMemory = inMemory.PredictBatch(rawTest.Features, samples: 0);
        for (int i = 0; i < fromRaw.Count; i++)
        {
            Assert.Equal(fromInMemory[i].Probabilities, fromRaw[i].Probabilities);
        }

        Assert.True(accuracy > 0.8, $"accuracy {accuracy} on raw test rows (seed {data.Seed}); chance is 0.25");
    }

    [Fact]
    public void PredictingLabeledDataTakesItRawOrStandardizedWithTheNetworksOwnStatistics()
    {
        using var data = new StandardizedClusters();
        var (rawTest, network) = (data.RawTest, data.Network);
        new InformationTrainer(network, new TrainingSettings { Epochs = 1, BatchSize = 100 }).Fit(data.Train);
        using var predictor = new Predictor<SmallClassifier>(network);

        var fromRaw = predictor.PredictBatch(rawTest, samples: 3);
        var fromStandardized = predictor.PredictBatch(data.Test, samples: 3);

        for (int i = 0; i < fromRaw.Count; i++)
        {
            Assert.Equal(fromRaw[i].Probabilities, fromStandardized[i].Probabilities);
        }

        using var otherStatistics = Standardization.Fit(rawTest);
        using var foreign = otherStatistics.Apply(rawTest);
        Assert.Throws<ArgumentException>(() => predictor.PredictBatch(foreign, samples: 0));
    }

    [Fact]
    public async System.Threading.Tasks.Task AStopRequestEndsAMonteCarloPredictionBeforeTheNextWeightSample()
    {
        TorchNative.EnsureLoaded();
        using var clusters = SeparatedClusters(Random.Shared.NextInt64(1, long.MaxValue));
        using var network = new SmallClassifier();
        using var predictor = new Predictor<SmallClassifier>(network);
        using var stop = new System.Threading.CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        // Ten million weight samples would take hours; the stop must end it within one sample's pass.
        var run = System.Threading.Tasks.Task.Run(() => predictor.PredictBatch(clusters, samples: 10_000_000, stop.Token));

        Assert.True(await System.Threading.Tasks.Task.WhenAny(run, System.Threading.Tasks.Task.Delay(TimeSpan.FromMinutes(1))) == run, "the prediction did not stop within a minute of the request");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public void ClassNamesTravelWithTheNetworkAndNameEachPrediction()
    {
        TorchNative.EnsureLoaded();
        long seed = Random.Shared.NextInt64(1, long.MaxValue);
        string[] names = { "sandal", "shirt", "bag", "boot" };
        using var clusters = SeparatedClusters(seed);
        using var train = new LabeledData(clusters.Features.clone(), clusters.Labels.clone()) { ClassNames = names };
        torch.manual_seed(seed);
        using var network = new SmallClassifier();
        new InformationTrainer(network, new TrainingSettings { Epochs = 1, BatchSize = 100 }).Fit(train);

        string path = Path.Combine(folder, "named.ibexnet");
        NetworkFile.Save(network, path);
        using var loaded = Predictor<SmallClassifier>.Load(path);

        Assert.Equal(names, loaded.ClassNames);
        Assert.Null(loaded.InputStandardization);
        foreach (var prediction in loaded.PredictBatch(clusters.Features.narrow(0, 0, 20), samples: 2))
        {
            Assert.Equal(names[prediction.Class], prediction.ClassName);
        }
    }

    [Fact]
    public void AFileSavedWithoutTheBundleLoadsAsARawInputNetwork()
    {
        TorchNative.EnsureLoaded();
        torch.manual_seed(Random.Shared.NextInt64());
        using var network = new SmallClassifier();
        string path = Path.Combine(folder, "old.ibexnet");
        NetworkFile.Save(network, path);
        RewriteHeaderWithoutPrediction(path);

        using var fresh = new SmallClassifier { InputStandardization = new InputStandardization(Enumerable.Repeat(1f, 16).ToArray(), Enumerable.Repeat(2f, 16).ToArray()) };
        NetworkFile.Load(fresh, path);

        Assert.Null(fresh.InputStandardization);
        Assert.Null(fresh.ClassNames);
        foreach (var (name, value) in network.state_dict())
        {
            Assert.True(value.Equals(fresh.state_dict()[name]), name);
        }
    }

    [Fact]
    public void TrainingOnRawDataANetworkThatStandardizesOrEvaluatingOnDifferentlyPreparedDataIsRefused()
    {
        using var data = new StandardizedClusters();
        var trainer = new InformationTrainer(data.Network, new TrainingSettings { Epochs = 1, BatchSize = 100 });

        var rawTestWithStandardTrain = Assert.Throws<ArgumentException>(() => trainer.Fit(data.Train, data.RawTest));
        Assert.Contains("test data is raw", rawTestWithStandardTrain.Message);

        trainer.Fit(data.Train);
        var raw = Assert.Throws<ArgumentException>(() => trainer.Fit(data.RawTrain));
        Assert.Contains("network.InputStandardization", raw.Message);
    }

    [Fact]
    public void AStandardizationForAnotherInputSizeIsRefused()
    {
        TorchNative.EnsureLoaded();
        using var network = new SmallClassifier();
        var error = Assert.Throws<ArgumentException>(() => network.InputStandardization = new InputStandardization(new[] { 0f, 1f }, new[] { 1f, 1f }));
        Assert.Contains("16 input features", error.Message);
        Assert.Throws<ArgumentException>(() => network.ClassNames = new[] { "a", "b", "c", "a" });
        Assert.Throws<ArgumentException>(() => network.ClassNames = new[] { "a", "b" });
    }

    /// <summary>Raw offset clusters, split; the standardization fitted on the raw training part and applied to both; an untrained network.</summary>
    private sealed class StandardizedClusters : IDisposable
    {
        public StandardizedClusters()
        {
            TorchNative.EnsureLoaded();
            Seed = Random.Shared.NextInt64(1, long.MaxValue);
            (RawTrain, RawTest) = OffsetClusters(Seed);
            Standardization = Standardization.Fit(RawTrain);
            Train = Standardization.Apply(RawTrain);
            Test = Standardization.Apply(RawTest);
            torch.manual_seed(Seed);
            Network = new SmallClassifier();
        }

        public long Seed { get; }

        public LabeledData RawTrain { get; }

        public LabeledData RawTest { get; }

        public Standardization Standardization { get; }

        public LabeledData Train { get; }

        public LabeledData Test { get; }

        public SmallClassifier Network { get; }

        public void Dispose()
        {
            foreach (IDisposable part in new IDisposable[] { RawTrain, RawTest, Standardization, Train, Test, Network })
            {
                part.Dispose();
            }
        }
    }

    /// <summary>Four separated clusters in 16 dimensions, moved far from the origin and scaled, as raw measurements are.</summary>
    private static (LabeledData Train, LabeledData Test) OffsetClusters(long seed)
    {
        using var clusters = SeparatedClusters(seed);
        using var offset = torch.linspace(20, 400, 16);
        using var scale = torch.linspace(3, 40, 16);
        using var features = clusters.Features.mul(scale).add_(offset);
        using var all = new LabeledData(features.clone(), clusters.Labels.clone());
        return (all.Slice(0, 1000), all.Slice(1000, 200));
    }

    private static LabeledData SeparatedClusters(long seed) => SyntheticClusters.Create(1200, 16, 4, seed, separation: 2.0);

    /// <summary>Rewrites the header as Ibex wrote it before bundles: the same three fields, no prediction member.</summary>
    private static void RewriteHeaderWithoutPrediction(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        byte[] magic = reader.ReadBytes(8);
        int version = reader.ReadInt32();
        byte[] header = reader.ReadBytes((int)reader.ReadInt64());
        reader.ReadUInt64();
        byte[] weights = reader.ReadBytes((int)reader.ReadInt64());
        reader.Dispose();
        var json = System.Text.Json.Nodes.JsonNode.Parse(header)!.AsObject();
        Assert.True(json.Remove("prediction"), "the header had no prediction member to remove");
        byte[] oldHeader = System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(magic);
        writer.Write(version);
        foreach (var section in new[] { oldHeader, weights })
        {
            writer.Write((long)section.Length);
            writer.Write(section);
            writer.Write(System.IO.Hashing.XxHash64.HashToUInt64(section));
        }
    }
}
