namespace Ibex.Runtime.Export
{
    /// <summary><c>network.ToMeanGraph()</c>, the spelling of <see cref="MeanGraph.Of"/> that reads in a pipeline.</summary>
    public static class MeanGraphExtensions
    {
        /// <inheritdoc cref="MeanGraph.Of"/>
        public static MeanGraph ToMeanGraph(this InformationNetwork network) => MeanGraph.Of(network);
    }
}
