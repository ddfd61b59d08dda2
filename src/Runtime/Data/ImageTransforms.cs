using System;
using TorchSharp;

namespace Ibex.Runtime.Data
{
    /// <summary>Transforms of flattened square grey images.</summary>
    public static class ImageTransforms
    {
        /// <summary>
        /// Averages non-overlapping <paramref name="factor"/>×<paramref name="factor"/> blocks of every image (flattened
        /// rows of side × side pixels), as the paper-reproduction setups do to shrink Fashion-MNIST to 14×14 = 196 inputs.
        /// </summary>
        public static LabeledData AveragePool(LabeledData data, int side, int factor)
        {
            if (factor < 1 || side % factor != 0 || data.Features.shape[1] != (long)side * side)
            {
                throw new ArgumentException($"Cannot pool {data.Features.shape[1]}-feature images as {side}×{side} by {factor}: the side must be a multiple of the factor.");
            }

            if (data.StandardizedWith is not null)
            {
                throw new ArgumentException("The images are standardized already: pool the raw images, then standardize the pooled ones.", nameof(data));
            }

            using var scope = torch.NewDisposeScope();
            var images = data.Features.reshape(data.Count, 1, side, side);
            var pooled = torch.nn.functional.avg_pool2d(images, factor).reshape(data.Count, (side / factor) * (side / factor));
            return new LabeledData(pooled.MoveToOuterDisposeScope(), data.Labels.clone().MoveToOuterDisposeScope()) { ClassNames = data.ClassNames };
        }
    }
}
