using System.Collections.Generic;
using TorchSharp;

namespace Ibex.Runtime.Data
{
    public sealed partial class LabeledData : ITrainingSet
    {
        /// <summary>One epoch in batches of rows picked by a permutation drawn from <paramref name="shuffling"/>.</summary>
        public IEnumerable<TrainingBatch> ReadEpoch(int batchSize, torch.Generator shuffling, long skipBatches)
        {
            // The permutation outlives the batches; the enumerator may first advance inside a batch's dispose scope.
            var order = torch.randperm(Count, generator: shuffling).to(Features.device).DetachFromDisposeScope();
            try
            {
                for (long start = skipBatches * batchSize; start < Count; start += batchSize)
                {
                    var indices = order.narrow(0, start, System.Math.Min(batchSize, Count - start));
                    yield return new TrainingBatch(Features.index_select(0, indices), Labels.index_select(0, indices));
                }
            }
            finally
            {
                order.Dispose();
            }
        }
    }
}
