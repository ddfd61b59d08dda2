using Ibex.Runtime.Export;

namespace Ibex.Runtime.Compression
{
    /// <summary>A pruned mean network, ready for <see cref="OnnxExport"/>, and what pruning kept.</summary>
    public sealed class PrunedNetwork
    {
        internal PrunedNetwork(MeanGraph graph, PruningReport report)
        {
            Graph = graph;
            Report = report;
        }

        /// <summary>The pruned mean network.</summary>
        public MeanGraph Graph { get; }

        /// <summary>Per layer and in total: weights, units and nats kept, and multiply-adds.</summary>
        public PruningReport Report { get; }
    }
}
