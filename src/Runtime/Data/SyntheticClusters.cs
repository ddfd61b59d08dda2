using TorchSharp;

namespace Ibex.Runtime.Data
{
    /// <summary>
    /// Gaussian clusters, one per class, with random unit-variance centres scaled by <c>separation</c>: a classification
    /// problem of any input width and class count, for tests, dry runs and the quick random-label experiments.
    /// </summary>
    public static class SyntheticClusters
    {
        /// <summary>Draws <paramref name="examples"/> labelled examples; the same seed gives the same data.</summary>
        public static LabeledData Create(long examples, long features, int classes, long seed, double separation = 1.2)
        {
            using var generator = new torch.Generator((ulong)seed);
            using var scope = torch.NewDisposeScope();
            var centres = torch.randn(new[] { (long)classes, features }, generator: generator) * separation;
            var labels = torch.randint(0, classes, new[] { examples }, generator: generator);
            var inputs = centres.index_select(0, labels) + torch.randn(new[] { examples, features }, generator: generator);
            return new LabeledData(inputs.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
        }
    }
}
