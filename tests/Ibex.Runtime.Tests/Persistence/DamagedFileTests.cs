using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Hashing;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using Ibex.Runtime.Persistence;
using Ibex.Runtime.Data;
using Ibex.Runtime.Training;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Ibex.Runtime.Tests.Persistence;

/// <summary>
/// Fault injection on checkpoints and saved networks: byte flips at random offsets in every section, truncation at every
/// section boundary, impossible metadata with valid checksums. Each is refused with the file and section named, or (for a
/// damaged latest checkpoint beside a good previous one) recovered from the previous with a warning; none is accepted
/// silently, and a refused load leaves the network as it was.
/// </summary>
public sealed class DamagedFileTests : IDisposable
{
    private const int FlipsPerFile = 600;
    private readonly string folder = Directory.CreateTempSubdirectory("ibex-damage-").FullName;
    private readonly Random random = new();
    private readonly ITestOutputHelper output;

    public DamagedFileTests(ITestOutputHelper output)
    {
        this.output = output;
        TorchNative.EnsureLoaded();
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void EveryByteFlipInACheckpointIsRefusedAndLeavesTheNetworkUntouched()
    {
        var store = TrainWithCheckpoints(epochs: 1);
        byte[] good = File.ReadAllBytes(store.FilePath);
        var sections = SectionSpans(good);
        using var network = new SmallClassifier();
        var before = Snapshot(network);
        var refusedBySection = sections.ToDictionary(s => s.Name, _ => 0);

        var damaged = new CheckpointStore(Path.Combine(folder, "damaged"));
        Directory.CreateDirectory(damaged.Directory);
        int accepted = 0;
        for (int trial = 0; trial < FlipsPerFile; trial++)
        {
            // Every section gets its share of flips, at random offsets within it.
            var section = sections[trial % sections.Count];
            int offset = random.Next(section.Start, section.End);
            byte[] bytes = (byte[])good.Clone();
            bytes[offset] ^= (byte)random.Next(1, 256);
            File.WriteAllBytes(damaged.FilePath, bytes);

            try
            {
                damaged.TryLoad(network);
                accepted++;
                output.WriteLine($"accepted a flip at {offset} ({section.Name})");
            }
            catch (CheckpointException e)
            {
                Assert.StartsWith(damaged.FilePath, e.Message);
                refusedBySection[section.Name]++;
            }

            AssertUnchanged(before, network);
        }

        output.WriteLine(string.Join(", ", refusedBySection.Select(p => $"{p.Key}: {p.Value} refused")));
        Assert.Equal(0, accepted);
    }

    [Fact]
    public void EveryByteFlipInASavedNetworkIsRefusedAndLeavesTheNetworkUntouched()
    {
        string path = Path.Combine(folder, "network.ibexnet");
        using (var trained = new SmallClassifier())
        {
            NetworkFile.Save(trained, path);
        }

        byte[] good = File.ReadAllBytes(path);
        var sections = SectionSpans(good);
        using var network = new SmallClassifier();
        var before = Snapshot(network);
        string damagedPath = Path.Combine(folder, "damaged.ibexnet");
        int accepted = 0;
        for (int trial = 0; trial < FlipsPerFile; trial++)
        {
            var section = sections[trial % sections.Count];
            byte[] bytes = (byte[])good.Clone();
            bytes[random.Next(section.Start, section.End)] ^= (byte)random.Next(1, 256);
            File.WriteAllBytes(damagedPath, bytes);

            try
            {
                NetworkFile.Load(network, damagedPath);
                accepted++;
            }
            catch (CheckpointException e)
            {
                Assert.StartsWith(damagedPath, e.Message);
            }

            AssertUnchanged(before, network);
        }

        Assert.Equal(0, accepted);
    }

    [Fact]
    public void ACheckpointTruncatedAtAnySectionBoundaryIsRefused()
    {
        var store = TrainWithCheckpoints(epochs: 1);
        byte[] good = File.ReadAllBytes(store.FilePath);
        var cuts = SectionSpans(good).SelectMany(s => new[] { s.Start - 1, s.Start, s.Start + 1, s.End - 1, s.End }).Where(c => c > 0 && c < good.Length).Distinct();
        using var network = new SmallClassifier();
        var before = Snapshot(network);

        foreach (int cut in cuts)
        {
            File.WriteAllBytes(store.FilePath, good[..cut]);
            File.Delete(store.PreviousFilePath);

            var error = Assert.Throws<CheckpointException>(() => store.TryLoad(network));

            Assert.True(error.IsDamage, error.Message);
            AssertUnchanged(before, network);
        }
    }

    [Fact]
    public void ADamagedLatestCheckpointFallsBackToThePreviousWithAWarning()
    {
        var store = TrainWithCheckpoints(epochs: 2);
        Assert.True(File.Exists(store.PreviousFilePath));
        FlipABitOfTheWeights(store.FilePath);
        using var network = new SmallClassifier();

        var checkpoint = store.TryLoad(network);

        Assert.NotNull(checkpoint);
        Assert.Equal(store.PreviousFilePath, checkpoint.Path);
        Assert.Equal(2, checkpoint.Metadata.Epoch);
        Assert.Contains("its weights section is damaged", checkpoint.Warning);
        Assert.Contains("Resumed from the previous checkpoint", checkpoint.Warning);
        string aside = Assert.Single(Directory.GetFiles(store.Directory, "latest.damaged-*.ibexckpt"));
        Assert.Contains($"The damaged file is kept as {aside}", checkpoint.Warning);
        Assert.False(File.Exists(store.FilePath), "the damaged latest must leave the rotation");

        File.Copy(aside, store.FilePath);
        byte[] previous = File.ReadAllBytes(store.PreviousFilePath);
        previous[random.Next(SectionSpans(previous)[0].Start, SectionSpans(previous)[0].End)] ^= 0x01;
        File.WriteAllBytes(store.PreviousFilePath, previous);
        var neither = Assert.Throws<CheckpointException>(() => store.TryLoad(network));
        Assert.Contains("neither checkpoint verifies", neither.Message);
        Assert.Contains(store.PreviousFilePath, neither.Message);
    }

    [Fact]
    public void AfterFallingBackTheNextCheckpointsNeverMakeTheDamagedFileThePrevious()
    {
        var store = new CheckpointStore(Path.Combine(folder, $"run-{Guid.NewGuid():N}"));
        using var data = SyntheticClusters.Create(200, 16, 4, random.Next());
        var settings = new TrainingSettings { Epochs = 2, BatchSize = 64, Seed = random.Next() };
        using (var first = new SmallClassifier())
        {
            new InformationTrainer(first, settings).Run(data, null, null, store, null, default);
        }

        FlipABitOfTheWeights(store.FilePath);
        using var network = new SmallClassifier();
        var resumed = store.TryLoad(network);
        Assert.NotNull(resumed);

        // Epoch 2 again from the fallback writes one checkpoint: the previous must still be the verified one.
        new InformationTrainer(network, settings).Run(data, null, null, store, resumed, default);

        string copy = Path.Combine(folder, $"previous-{Guid.NewGuid():N}");
        Directory.CreateDirectory(copy);
        File.Copy(store.PreviousFilePath, Path.Combine(copy, CheckpointStore.FileName));
        using var probe = new SmallClassifier();
        var previous = new CheckpointStore(copy).TryLoad(probe);
        Assert.NotNull(previous);
        Assert.Null(previous.Warning);
        Assert.Equal(2, previous.Metadata.Epoch);
        Assert.Single(Directory.GetFiles(store.Directory, "latest.damaged-*.ibexckpt"));
    }

    [Theory]
    [InlineData("Epoch", 9, "epoch 9 is outside 1 … 3")]
    [InlineData("Epoch", -3, "epoch -3 is outside 1 … 3")]
    [InlineData("NextBatch", 1, "step 4 is not where epoch 2, batch 1 of 4 puts it")]
    [InlineData("TrainingExamples", 0, "N = 0")]
    public void ImpossibleMetadataWithAValidChecksumIsRefused(string field, long value, string expected)
    {
        var store = TrainWithCheckpoints(epochs: 1, totalEpochs: 2);
        byte[] good = File.ReadAllBytes(store.FilePath);
        var metadata = SectionSpans(good)[0];
        var json = JsonNode.Parse(good.AsSpan(metadata.Start, metadata.End - metadata.Start))!;
        json[char.ToLowerInvariant(field[0]) + field[1..]] = value;
        File.WriteAllBytes(store.FilePath, ReplaceSection(good, 0, Encoding.UTF8.GetBytes(json.ToJsonString())));
        File.Delete(store.PreviousFilePath);
        using var network = new SmallClassifier();

        var error = Assert.Throws<CheckpointException>(() => store.TryLoad(network));

        Assert.Contains("its metadata is impossible", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void WeightsThatFailPartWayLeaveEveryParameterAsItWas()
    {
        string path = Path.Combine(folder, "short.ibexnet");
        using (var trained = new SmallClassifier())
        {
            NetworkFile.Save(trained, path);
        }

        // A writer that stopped inside the weights but checksummed what it wrote: the first tensors load, a later one fails.
        byte[] bytes = File.ReadAllBytes(path);
        var weights = SectionSpans(bytes)[1];
        File.WriteAllBytes(path, ReplaceSection(bytes, 1, bytes.AsSpan(weights.Start, (weights.End - weights.Start) * 3 / 4).ToArray()));
        using var network = new SmallClassifier();
        var before = Snapshot(network);

        var error = Assert.Throws<CheckpointException>(() => NetworkFile.Load(network, path));

        Assert.Contains("its weights do not fit SmallClassifier", error.Message);
        AssertUnchanged(before, network);
    }

    [Fact]
    public void AVersionOneCheckpointWithoutChecksumsStillLoads()
    {
        var store = TrainWithCheckpoints(epochs: 1);
        byte[] v2 = File.ReadAllBytes(store.FilePath);
        File.WriteAllBytes(store.FilePath, AsVersionOne(v2, metadata: null));
        File.Delete(store.PreviousFilePath);
        using var network = new SmallClassifier();

        var checkpoint = store.TryLoad(network);

        Assert.NotNull(checkpoint);
        Assert.Null(checkpoint.Warning);
    }

    [Fact]
    public void AVersionOneCheckpointWrittenBeforeLaterSettingsExistedLoadsWithTheirDefaults()
    {
        var store = TrainWithCheckpoints(epochs: 1);
        byte[] v2 = File.ReadAllBytes(store.FilePath);
        var sections = SectionSpans(v2);
        var metadata = System.Text.Json.Nodes.JsonNode.Parse(v2.AsSpan(sections[0].Start, sections[0].End - sections[0].Start))!.AsObject();
        var settings = metadata["settings"]!.AsObject();
        // What format-1 files (Ibex before checksums) did not write: the evaluation memory budget and the resume policy.
        settings.Remove("evaluationMemoryBudgetBytes");
        settings.Remove("resume");
        metadata["formatVersion"] = 1;
        File.WriteAllBytes(store.FilePath, AsVersionOne(v2, System.Text.Encoding.UTF8.GetBytes(metadata.ToJsonString())));
        File.Delete(store.PreviousFilePath);
        using var network = new SmallClassifier();

        var checkpoint = store.TryLoad(network);

        Assert.NotNull(checkpoint);
        Assert.Equal(new TrainingSettings().EvaluationMemoryBudgetBytes, checkpoint.Metadata.Settings.EvaluationMemoryBudgetBytes);
    }

    /// <summary>Damage that only the weights section's checksum can see: one bit of one weight flipped.</summary>
    private void FlipABitOfTheWeights(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var weights = SectionSpans(bytes).Single(s => s.Name == "weights");
        bytes[random.Next(weights.Start, weights.End)] ^= (byte)(1 << random.Next(8));
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>A version-2 checkpoint rewritten as version 1 (no checksums), with other metadata when given.</summary>
    private static byte[] AsVersionOne(byte[] v2, byte[]? metadata)
    {
        var sections = SectionSpans(v2);
        var v1 = new List<byte>(v2[..12]);
        BinaryPrimitives.WriteInt32LittleEndian(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(v1).Slice(8, 4), 1);
        for (int i = 0; i < sections.Count; i++)
        {
            if (i == 0 && metadata is not null)
            {
                v1.AddRange(BitConverter.GetBytes((long)metadata.Length));
                v1.AddRange(metadata);
            }
            else
            {
                v1.AddRange(v2[(sections[i].Start - 8)..sections[i].End]);
            }
        }

        return v1.ToArray();
    }

    private CheckpointStore TrainWithCheckpoints(int epochs, int? totalEpochs = null)
    {
        var store = new CheckpointStore(Path.Combine(folder, $"run-{Guid.NewGuid():N}"));
        using var network = new SmallClassifier();
        using var data = SyntheticClusters.Create(200, 16, 4, random.Next());
        var settings = new TrainingSettings { Epochs = totalEpochs ?? epochs, BatchSize = 64, Seed = random.Next() };
        if (totalEpochs is null)
        {
            new InformationTrainer(network, settings).Run(data, null, null, store, null, default);
            return store;
        }

        using var stop = new System.Threading.CancellationTokenSource();
        new InformationTrainer(network, settings).Run(data, null, new StopAtEpoch(epochs, stop), store, null, stop.Token);
        return store;
    }

    /// <summary>The sections' payloads, as [Start, End) byte offsets, after the 12-byte header; each is length + payload + 8-byte checksum.</summary>
    private static List<(string Name, int Start, int End)> SectionSpans(byte[] file)
    {
        string[] names = file.AsSpan(0, 8).SequenceEqual("IBEXCKPT"u8)
            ? new[] { "metadata", "weights", "optimizer state", "random state", "shuffle state" }
            : new[] { "header", "weights" };
        var spans = new List<(string, int, int)>();
        int position = 12;
        foreach (string name in names)
        {
            int length = checked((int)BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(position)));
            spans.Add((name, position + 8, position + 8 + length));
            position += 8 + length + 8;
        }

        Assert.Equal(file.Length, position);
        return spans;
    }

    /// <summary>The file with section <paramref name="index"/> replaced by <paramref name="payload"/> and a matching checksum.</summary>
    private static byte[] ReplaceSection(byte[] file, int index, byte[] payload)
    {
        var spans = SectionSpans(file);
        var (_, start, end) = spans[index];
        var result = new List<byte>(file[..(start - 8)]);
        var length = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(length, payload.Length);
        result.AddRange(length);
        result.AddRange(payload);
        var checksum = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(checksum, XxHash64.HashToUInt64(payload));
        result.AddRange(checksum);
        result.AddRange(file[(end + 8)..]);
        return result.ToArray();
    }

    private static List<torch.Tensor> Snapshot(InformationNetwork network)
        => network.state_dict().Values.Select(t => t.detach().clone()).ToList();

    private static void AssertUnchanged(List<torch.Tensor> before, InformationNetwork network)
        => Assert.All(network.state_dict().Values.Zip(before), pair => Assert.True(pair.First.Equals(pair.Second), "a refused load changed the network"));

    private sealed class StopAtEpoch(int epochs, System.Threading.CancellationTokenSource stop) : ITrainingObserver
    {
        public void OnEpochCompleted(EpochReport report)
        {
            if (report.Epoch == epochs)
            {
                stop.Cancel();
            }
        }
    }
}
