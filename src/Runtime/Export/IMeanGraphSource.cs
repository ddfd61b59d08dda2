using System.ComponentModel;

namespace Ibex.Runtime.Export
{
    /// <summary>
    /// A network that can record its mean network, layer by layer. Every generated network implements it; read the graph
    /// with <see cref="MeanGraph.Of"/> (or <c>network.ToMeanGraph()</c>).
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public interface IMeanGraphSource
    {
        /// <summary>Records the mean network's layers in <paramref name="graph"/>.</summary>
        void WriteMeanGraph(MeanGraphBuilder graph);
    }
}
