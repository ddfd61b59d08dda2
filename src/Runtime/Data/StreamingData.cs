using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp;

namespace Ibex.Runtime.Data
{
    /// <summary>
    /// A training set read from files (shards) batch by batch, for data larger than memory: the trainer never holds more
    /// than the shuffle buffer and one batch. Each epoch reads the shards in a new random order, several at once with their
    /// examples interleaved at random, through a shuffle buffer (an example waits there until drawn at random). N is given
    /// in the options or counted in one pass, the pass that also checks every example before training.
    /// </summary>
    public sealed class StreamingData : ITrainingSet
    {
        private readonly Func<string, IEnumerable<StreamedExample>> readShard;
        private readonly StreamingDataOptions options;
        private ExampleRules? rules;
        private long? count;

        /// <summary>
        /// Streams the examples that <paramref name="readShard"/> reads from each of <paramref name="shards"/> (file paths, or
        /// any names the reader understands).
        /// </summary>
        public StreamingData(IReadOnlyList<string> shards, Func<string, IEnumerable<StreamedExample>> readShard, StreamingDataOptions? options = null)
        {
            ArgumentNullException.ThrowIfNull(shards);
            ArgumentNullException.ThrowIfNull(readShard);
            this.options = options ?? new StreamingDataOptions();
            if (shards.Count == 0 || shards.Any(string.IsNullOrEmpty))
            {
                throw new ArgumentException("Streaming data needs at least one shard, and every shard a name.", nameof(shards));
            }

            Require(this.options.ShuffleBufferSize >= 1, nameof(StreamingDataOptions.ShuffleBufferSize), this.options.ShuffleBufferSize, "at least 1");
            Require(this.options.InterleavedShards >= 1, nameof(StreamingDataOptions.InterleavedShards), this.options.InterleavedShards, "at least 1");
            Require(this.options.Count is null or >= 1, nameof(StreamingDataOptions.Count), this.options.Count, "null (count them) or at least 1");
            Shards = shards.ToArray();
            this.readShard = readShard;
            count = this.options.Count;
        }

        /// <summary>Streams CSV files, each read as <see cref="CsvData.Load"/> reads one.</summary>
        public static StreamingData FromCsvFiles(IReadOnlyList<string> paths, CsvDataOptions? csv = null, StreamingDataOptions? options = null)
        {
            ArgumentNullException.ThrowIfNull(paths);
            foreach (string path in paths)
            {
                if (!File.Exists(path))
                {
                    throw DatasetException.Missing(path, "the CSV file");
                }
            }

            return new StreamingData(paths, path => CsvData.Read(path, csv), options);
        }

        /// <summary>The shards, in the order given.</summary>
        public IReadOnlyList<string> Shards { get; }

        /// <summary>N: as given in the options, else counted (once) by reading every shard.</summary>
        public long Count => count ??= CheckEveryExample(rules);

        /// <summary>
        /// Checks the examples against <paramref name="network"/>. Without a given <see cref="StreamingDataOptions.Count"/>
        /// this reads every shard once, checking every example and counting them (once per network); with one, it checks
        /// the first example here and every other as it is read in training. Throws <see cref="DatasetException"/> naming the shard and the
        /// example (counted from 1 within its shard).
        /// </summary>
        public void Validate(NetworkDescription network, string name = "data")
        {
            ArgumentNullException.ThrowIfNull(network);
            if (rules?.Network == network)
            {
                return;
            }

            var networkRules = new ExampleRules(network.InputFeatures, network.Classes, $"{network.Name} is declared with [Input({string.Join(", ", network.InputShape)})], so the count must be", network);
            if (options.Count is null)
            {
                count = CheckEveryExample(networkRules);
                rules = networkRules;
                return;
            }

            using var first = readShard(Shards[0]).GetEnumerator();
            if (!first.MoveNext())
            {
                throw new DatasetException(Shards[0], $"the {name}'s first shard has no examples.");
            }

            networkRules.Check(Shards[0], 1, first.Current);
            rules = networkRules;
        }

        /// <summary>One epoch; see <see cref="ITrainingSet.ReadEpoch"/> and the class remarks.</summary>
        public IEnumerable<TrainingBatch> ReadEpoch(int batchSize, torch.Generator shuffling, long skipBatches)
        {
            ArgumentNullException.ThrowIfNull(shuffling);
            ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
            long expected = Count;
            return Batches(batchSize, shuffling, skipBatches, expected);
        }

        private IEnumerable<TrainingBatch> Batches(int batchSize, torch.Generator shuffling, long skipBatches, long expected)
        {
            int seed;
            using (var draw = torch.randint(int.MaxValue, new long[] { 1 }, generator: shuffling))
            {
                seed = (int)draw.item<long>();
            }

            var random = new Random(seed);
            var shardOrder = Enumerable.Range(0, Shards.Count).ToArray();
            random.Shuffle(shardOrder);

            long seen = 0, batch = 0;
            int filled = 0, width = 0;
            float[] features = Array.Empty<float>();
            long[] labels = new long[batchSize];
            foreach (var (shard, index, example) in ShuffleBuffer(Interleave(shardOrder, random), random))
            {
                (rules ?? ExampleRules.LikeFirst(width, example)).Check(Shards[shard], index, example);
                if (width == 0)
                {
                    width = example.Features.Length;
                    features = new float[(long)batchSize * width];
                }

                seen++;
                if (batch < skipBatches)
                {
                    // A resumed epoch reads the batches it already trained on, to reach the same order, and drops them.
                    if (++filled == batchSize)
                    {
                        (filled, batch) = (0, batch + 1);
                    }

                    continue;
                }

                example.Features.CopyTo(features, (long)filled * width);
                labels[filled] = example.Label;
                if (++filled == batchSize)
                {
                    yield return Batch(features, labels, filled, width);
                    // The batch's tensors keep those arrays; the next batch fills new ones.
                    (features, labels) = (new float[(long)batchSize * width], new long[batchSize]);
                    (filled, batch) = (0, batch + 1);
                }
            }

            if (seen != expected)
            {
                throw new DatasetException(Shards[0],
                    $"the {Shards.Count} shard(s) held {seen} examples in this epoch, but N = {expected} was {(options.Count is null ? "counted before training" : "given in the options")}; " +
                    "the files changed during training, or the given count is wrong.");
            }

            if (filled > 0 && batch >= skipBatches)
            {
                yield return Batch(features, labels, filled, width);
            }
        }

        /// <summary>The first <paramref name="count"/> examples of the arrays as tensors, which take the arrays over.</summary>
        private static TrainingBatch Batch(float[] features, long[] labels, int count, int width)
        {
            if (count < labels.Length)
            {
                (features, labels) = (features.AsSpan(0, count * width).ToArray(), labels.AsSpan(0, count).ToArray());
            }

            return new TrainingBatch(torch.tensor(features, new long[] { count, width }), torch.tensor(labels, new long[] { count }));
        }

        /// <summary>Examples from <see cref="StreamingDataOptions.InterleavedShards"/> open shards at a time, each drawn from one chosen at random.</summary>
        private IEnumerable<(int Shard, long Index, StreamedExample Example)> Interleave(int[] shardOrder, Random random)
        {
            var open = new List<(int Shard, IEnumerator<StreamedExample> Reader, long Index)>();
            int next = 0;
            try
            {
                while (open.Count < options.InterleavedShards && next < shardOrder.Length)
                {
                    open.Add((shardOrder[next], Open(shardOrder[next]), 0));
                    next++;
                }

                while (open.Count > 0)
                {
                    int pick = random.Next(open.Count);
                    var (shard, reader, index) = open[pick];
                    if (Advance(shard, reader))
                    {
                        open[pick] = (shard, reader, index + 1);
                        yield return (shard, index + 1, reader.Current);
                        continue;
                    }

                    reader.Dispose();
                    if (next < shardOrder.Length)
                    {
                        open[pick] = (shardOrder[next], Open(shardOrder[next]), 0);
                        next++;
                    }
                    else
                    {
                        open.RemoveAt(pick);
                    }
                }
            }
            finally
            {
                foreach (var (_, reader, _) in open)
                {
                    reader.Dispose();
                }
            }
        }

        /// <summary>A shuffle buffer: each incoming example replaces one drawn at random from the buffer, which is passed on.</summary>
        private IEnumerable<T> ShuffleBuffer<T>(IEnumerable<T> examples, Random random)
        {
            var buffer = new List<T>(Math.Min(options.ShuffleBufferSize, 1 << 16));
            foreach (var example in examples)
            {
                if (buffer.Count < options.ShuffleBufferSize)
                {
                    buffer.Add(example);
                    continue;
                }

                int pick = random.Next(buffer.Count);
                yield return buffer[pick];
                buffer[pick] = example;
            }

            var rest = buffer.ToArray();
            random.Shuffle(rest);
            foreach (var example in rest)
            {
                yield return example;
            }
        }

        private long CheckEveryExample(ExampleRules? against)
        {
            long total = 0;
            int width = 0;
            for (int shard = 0; shard < Shards.Count; shard++)
            {
                long index = 0;
                using var reader = Open(shard);
                while (Advance(shard, reader))
                {
                    var example = reader.Current;
                    index++;
                    (against ?? ExampleRules.LikeFirst(width, example)).Check(Shards[shard], index, example);
                    width = example.Features.Length;
                }

                total += index;
            }

            return total > 0 ? total : throw new DatasetException(Shards[0], $"none of the {Shards.Count} shard(s) holds an example.");
        }

        private IEnumerator<StreamedExample> Open(int shard)
        {
            try
            {
                return readShard(Shards[shard]).GetEnumerator();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DatasetException(Shards[shard], $"the shard cannot be opened: {e.Message}", e);
            }
        }

        private bool Advance(int shard, IEnumerator<StreamedExample> reader)
        {
            try
            {
                return reader.MoveNext();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DatasetException(Shards[shard], $"the shard cannot be read: {e.Message}", e);
            }
        }

        private static void Require(bool condition, string name, object? value, string allowed)
        {
            if (!condition)
            {
                throw new ArgumentException($"Streaming option {name} = {value?.ToString() ?? "null"} is invalid: it must be {allowed}.", name);
            }
        }

        /// <summary>What every example must satisfy: its feature count, finite features, a label in [0, classes).</summary>
        private sealed record ExampleRules(long Features, long? Classes, string FeaturesFrom, NetworkDescription? Network = null)
        {
            /// <summary>Before a network is known: as many features as the first example read (<paramref name="width"/>, 0 before it).</summary>
            public static ExampleRules LikeFirst(int width, StreamedExample example)
                => new(width == 0 ? example.Features?.Length ?? 0 : width, null, "the first example read has");

            public void Check(string shard, long index, StreamedExample example)
            {
                if (example.Features is null || example.Features.Length == 0 || example.Features.Length != Features)
                {
                    throw new DatasetException(shard, $"example {index} has {example.Features?.Length ?? 0} features, but {FeaturesFrom} {Features}.");
                }

                for (int i = 0; i < example.Features.Length; i++)
                {
                    if (!float.IsFinite(example.Features[i]))
                    {
                        throw new DatasetException(shard, $"example {index} has {example.Features[i]} at feature {i}: features must be finite numbers.");
                    }
                }

                if (example.Label < 0 || example.Label >= (Classes ?? long.MaxValue))
                {
                    string range = Classes is { } classes ? $"0 … {classes - 1}, the network's {classes} classes" : "0 … K−1";
                    throw new DatasetException(shard, $"example {index} has label {example.Label}, but labels must lie in {range}.");
                }
            }
        }
    }
}
