namespace Ibex.Runtime.Export
{
    /// <summary>One example's activations at a point of the graph: an id (unique in the graph) and a shape without the batch dimension.</summary>
    internal sealed record GraphValue(int Id, int[] Shape)
    {
        public string Name => "value" + Id;

        public int Channels => Shape[0];

        /// <summary>The value with <paramref name="units"/> channels (images) or units·positions features (flat, after a Flatten).</summary>
        public GraphValue Narrowed(int units, int positions)
        {
            var shape = (int[])Shape.Clone();
            shape[0] = units * positions;
            return this with { Shape = shape };
        }
    }
}
