using System;
using TorchSharp;

namespace Ibex.Runtime.Data
{
    /// <summary>Replaces a fraction of the labels by fixed, uniformly random ones: the paper's random-label experiments.</summary>
    public static class LabelNoise
    {
        /// <summary>
        /// Returns a copy of <paramref name="labels"/> in which round(fraction·N) examples, chosen with <paramref name="seed"/>,
        /// carry a label drawn uniformly from 0…classes−1 (which may equal the true one, as in Zhang et al. 2017).
        /// </summary>
        public static torch.Tensor Randomize(torch.Tensor labels, double fraction, int classes, long seed)
        {
            if (double.IsNaN(fraction) || fraction < 0 || fraction > 1)
            {
                throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The fraction of random labels must be between 0 and 1.");
            }

            using var generator = new torch.Generator((ulong)seed);
            long n = labels.shape[0];
            long count = (long)Math.Round(fraction * n);
            var randomized = labels.clone();
            if (count == 0)
            {
                return randomized;
            }

            using var scope = torch.NewDisposeScope();
            var chosen = torch.randperm(n, generator: generator).narrow(0, 0, count);
            var replacement = torch.randint(0, classes, new[] { count }, generator: generator, dtype: labels.dtype);
            randomized.index_put_(replacement, chosen);
            return randomized;
        }
    }
}
