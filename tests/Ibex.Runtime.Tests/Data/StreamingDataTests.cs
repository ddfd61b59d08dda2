using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Data;
using Ibex.Runtime.Training;
using TorchSharp;
using Xunit;

namespace Ibex.Runtime.Tests.Data;

/// <summary>
/// Streaming training sets: every example exactly once per epoch in an order fixed by the generator alone, shards mixed,
/// memory bounded by the buffer, a network trained from CSV shards, a mid-epoch resume equal to an uninterrupted run, and
/// bad examples named by shard and position.
/// </summary>
public sealed class StreamingDataTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("ibex-stream-").FullName;
    private readonly Random random = new();

    public StreamingDataTests() => TorchNative.EnsureLoaded();

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void AnEpochHoldsEveryExampleOnceInAnOrderTheGeneratorFixes()
    {
        int shards = random.Next(2, 6), perShard = random.Next(20, 60), batch = random.Next(3, 17);
        var data = new StreamingData(Names(shards), name => Numbered(name, perShard), new StreamingDataOptions { ShuffleBufferSize = 25 });
        ulong seed = (ulong)random.NextInt64();

        var first = EpochIds(data, batch, seed, skip: 0);
        var again = EpochIds(data, batch, seed, skip: 0);
        var other = EpochIds(data, batch, seed + 1, skip: 0);

        Assert.Equal(Enumerable.Range(0, shards * perShard), first.Order());
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.NotEqual(Enumerable.Range(0, shards * perShard), first);
        Assert.Equal(shards * perShard, data.Count);
    }

    [Fact]
    public void AResumedEpochSkipsExactlyTheBatchesAlreadyRead()
    {
        int perShard = random.Next(30, 80), batch = random.Next(4, 12);
        var data = new StreamingData(Names(3), name => Numbered(name, perShard), new StreamingDataOptions { ShuffleBufferSize = 16 });
        ulong seed = (ulong)random.NextInt64();
        int skip = random.Next(1, 3 * perShard / batch);

        var whole = EpochIds(data, batch, seed, skip: 0);
        var rest = EpochIds(data, batch, seed, skip);

        Assert.Equal(whole.Skip(skip * batch), rest);
    }

    [Fact]
    public void BatchesMixShardsAndTheReaderNeverRunsFarAheadOfTraining()
    {
        int buffer = 32, batch = 8, interleaved = 3;
        var read = new Dictionary<string, int>();
        var data = new StreamingData(Names(6), name => Counted(name, 100, read),
            new StreamingDataOptions { ShuffleBufferSize = buffer, InterleavedShards = interleaved, Count = 600 });
        using var shuffling = new torch.Generator((ulong)random.NextInt64());

        int batches = 0;
        foreach (var (features, labels) in data.ReadEpoch(batch, shuffling, skipBatches: 0))
        {
            using (features)
            using (labels)
            {
                batches++;
                int readSoFar = read.Values.Sum();
                Assert.True(readSoFar <= batches * batch + buffer + 1, $"{readSoFar} examples read for {batches} batches of {batch} with a buffer of {buffer}");
                if (batches == 1)
                {
                    var shardsInBatch = features[.., 0].data<float>().ToArray().Select(id => (int)id / 100).Distinct().Count();
                    Assert.True(shardsInBatch >= 2, "the first batch came from one shard only");
                }
            }
        }

        Assert.Equal(600 / batch, batches);
    }

    [Fact]
    public void ANetworkTrainsFromCsvShardsAsWellAsFromMemory()
    {
        using var clusters = SeparatedClusters.Create(random.Next());
        using var test = clusters.Slice(1000, 200);
        var shards = Enumerable.Range(0, 4).Select(i => WriteCsv($"train-{i}.csv", clusters, 250 * i, 250)).ToArray();
        var train = StreamingData.FromCsvFiles(shards, options: new StreamingDataOptions { ShuffleBufferSize = 100 });

        SeparatedClusters.AssertLearnedFrom(train, test, random.Next());
        Assert.Equal(1000, train.Count);
    }

    [Fact]
    public void AStreamedRunResumedMidEpochEndsWithTheWeightsOfAnUninterruptedOne()
    {
        using var clusters = SeparatedClusters.Create(random.Next());
        var shards = Enumerable.Range(0, 3).Select(i => WriteCsv($"part-{i}.csv", clusters, 400 * i, 400)).ToArray();
        var settings = new TrainingSettings { Epochs = 2, BatchSize = 64, Seed = random.Next() };
        long seed = random.Next();
        int stopAfter = random.Next(3, 30);

        torch.manual_seed(seed);
        using var uninterrupted = new SmallClassifier();
        new InformationTrainer(uninterrupted, settings).Run(Stream(shards), null, null, null, null, default);

        torch.manual_seed(seed);
        using var interrupted = new SmallClassifier();
        var store = new CheckpointStore(Path.Combine(folder, "checkpoints"));
        using (var stop = new CancellationTokenSource())
        {
            var first = new InformationTrainer(interrupted, settings).Run(Stream(shards), null, new StopAfter(stopAfter, stop), store, null, stop.Token);
            Assert.False(first.Completed);
        }

        torch.manual_seed(seed + 1);
        using var resumed = new SmallClassifier();
        var checkpoint = store.TryLoad(resumed);
        Assert.NotNull(checkpoint);
        Assert.Equal(stopAfter, (checkpoint.Metadata.Epoch - 1) * 19 + checkpoint.Metadata.NextBatch);
        var outcome = new InformationTrainer(resumed, settings).Run(Stream(shards), null, null, store, checkpoint, default);

        Assert.True(outcome.Completed);
        foreach (var ((name, expected), (_, actual)) in uninterrupted.named_parameters().Zip(resumed.named_parameters()))
        {
            Assert.True(expected.Equals(actual), $"{name} differs after the resume");
        }

        StreamingData Stream(string[] files) => StreamingData.FromCsvFiles(files, options: new StreamingDataOptions { ShuffleBufferSize = 50 });
    }

    [Theory]
    [InlineData("label", "example 3 has label 7, but labels must lie in 0 … 3, the network's 4 classes")]
    [InlineData("nan", "example 3 has NaN at feature 1: features must be finite numbers")]
    [InlineData("short", "example 3 has 15 features, but SmallClassifier is declared with [Input(16)], so the count must be 16")]
    public void ABadExampleIsNamedByItsShardAndPositionBeforeTraining(string fault, string expected)
    {
        using var network = new SmallClassifier();
        var data = new StreamingData(Names(2), name => Faulty(name, fault), new StreamingDataOptions { ShuffleBufferSize = 4 });

        var error = Assert.Throws<DatasetException>(() => new InformationTrainer(network, new TrainingSettings { Epochs = 1 }).Fit(data));

        Assert.Equal("shard-1", error.Path);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void AGivenCountThatIsWrongIsReportedAtTheEndOfTheEpoch()
    {
        using var network = new SmallClassifier();
        var data = new StreamingData(Names(2), name => Numbered(name, 40, width: 16, classes: 4), new StreamingDataOptions { Count = 90 });

        var error = Assert.Throws<DatasetException>(() => new InformationTrainer(network, new TrainingSettings { Epochs = 1, BatchSize = 10 }).Fit(data));

        Assert.Contains("held 80 examples in this epoch, but N = 90 was given in the options", error.Message);
    }

    [Fact]
    public void MissingShardsAndInvalidOptionsAreRefusedUpFront()
    {
        string missing = Path.Combine(folder, "absent.csv");
        var file = Assert.Throws<DatasetException>(() => StreamingData.FromCsvFiles(new[] { missing }));
        Assert.Equal(missing, file.Path);

        var buffer = Assert.Throws<ArgumentException>(() => new StreamingData(Names(1), name => Numbered(name, 5), new StreamingDataOptions { ShuffleBufferSize = 0 }));
        Assert.Contains("ShuffleBufferSize = 0 is invalid", buffer.Message);
        Assert.Throws<ArgumentException>(() => new StreamingData(Array.Empty<string>(), name => Numbered(name, 5)));
    }

    private static string[] Names(int count) => Enumerable.Range(0, count).Select(i => $"shard-{i}").ToArray();

    private static int ShardIndex(string name) => int.Parse(name["shard-".Length..], CultureInfo.InvariantCulture);

    /// <summary>Examples whose first feature is a global id: shard × 100 + position (or shard × count + position).</summary>
    private static IEnumerable<StreamedExample> Numbered(string name, int count, int width = 1, int classes = 1)
    {
        int shard = ShardIndex(name);
        for (int i = 0; i < count; i++)
        {
            var features = new float[width];
            features[0] = shard * count + i;
            yield return new StreamedExample(features, i % classes);
        }
    }

    private static IEnumerable<StreamedExample> Counted(string name, int count, Dictionary<string, int> read)
    {
        int shard = ShardIndex(name);
        for (int i = 0; i < count; i++)
        {
            read[name] = i + 1;
            yield return new StreamedExample(new float[] { shard * 100 + i }, 0);
        }
    }

    private static IEnumerable<StreamedExample> Faulty(string name, string fault)
    {
        for (int i = 1; i <= 5; i++)
        {
            var features = Enumerable.Range(0, 16).Select(f => (float)f).ToArray();
            long label = i % 4;
            if (name == "shard-1" && i == 3)
            {
                switch (fault)
                {
                    case "label": label = 7; break;
                    case "nan": features[1] = float.NaN; break;
                    default: features = features[..15]; break;
                }
            }

            yield return new StreamedExample(features, label);
        }
    }

    private static List<int> EpochIds(StreamingData data, int batch, ulong seed, long skip)
    {
        using var shuffling = new torch.Generator(seed);
        var ids = new List<int>();
        foreach (var (features, labels) in data.ReadEpoch(batch, shuffling, skip))
        {
            using (features)
            using (labels)
            {
                Assert.True(features.shape[0] <= batch);
                ids.AddRange(features[.., 0].data<float>().ToArray().Select(id => (int)id));
            }
        }

        return ids;
    }

    private string WriteCsv(string name, LabeledData data, long start, long count)
    {
        string path = Path.Combine(folder, name);
        long width = data.Features.shape[1];
        var values = data.Features.data<float>().ToArray();
        var labels = data.Labels.data<long>().ToArray();
        var text = new StringBuilder("label," + string.Join(",", Enumerable.Range(0, (int)width).Select(f => $"f{f}")) + "\n");
        for (long row = start; row < start + count; row++)
        {
            text.Append(labels[row].ToString(CultureInfo.InvariantCulture));
            for (long f = 0; f < width; f++)
            {
                text.Append(',').Append(values[row * width + f].ToString("R", CultureInfo.InvariantCulture));
            }

            text.Append('\n');
        }

        File.WriteAllText(path, text.ToString());
        return path;
    }

    private sealed class StopAfter(int batches, CancellationTokenSource stop) : ITrainingObserver
    {
        private int completed;

        public void OnBatchCompleted(BatchProgress progress)
        {
            if (++completed == batches)
            {
                stop.Cancel();
            }
        }
    }
}
