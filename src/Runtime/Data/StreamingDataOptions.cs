namespace Ibex.Runtime.Data
{
    /// <summary>How <see cref="StreamingData"/> reads and shuffles its shards.</summary>
    public sealed class StreamingDataOptions
    {
        /// <summary>
        /// Examples held back and drawn from at random; the larger, the closer an epoch's order comes to a full shuffle.
        /// Memory: this many examples' features (10,000 of 784 floats: 31 MB).
        /// </summary>
        public int ShuffleBufferSize { get; set; } = 10_000;

        /// <summary>Shards read at once, their examples interleaved at random, so that a batch mixes several files.</summary>
        public int InterleavedShards { get; set; } = 4;

        /// <summary>N, when known; null counts the examples once, in the pass that checks them before training.</summary>
        public long? Count { get; set; }
    }
}
