using System;
using System.Linq;
using TorchSharp;

namespace Ibex.Runtime.Prediction
{
    /// <summary>
    /// Turns what a caller passes to a <see cref="Predictor{TNetwork}"/> into a float32 batch [B, F] on the CPU, F the
    /// network's input features, and refuses what the network cannot take with a message that names the problem and its
    /// place: one example or a batch, flat or shaped as declared (for example [1, 28, 28] or [B, 1, 28, 28]); float64 is
    /// converted; every value must be finite.
    /// </summary>
    internal static class PredictionInputs
    {
        public static torch.Tensor FromFlat(ReadOnlySpan<float> values, NetworkDescription description)
        {
            long features = description.InputFeatures;
            if (values.Length == 0 || values.Length % features != 0)
            {
                throw new ArgumentException(
                    $"{description.Name} takes examples of {features} features ({Shape(description.InputShape)}), but {values.Length} values were given, " +
                    $"which is not a whole number of examples; pass {features} values per example.", "examples");
            }

            var batch = torch.tensor(values.ToArray(), new[] { values.Length / features, features });
            return Checked(batch, description);
        }

        public static torch.Tensor FromRows(float[][] rows, NetworkDescription description)
        {
            long features = description.InputFeatures;
            if (rows.Length == 0)
            {
                throw new ArgumentException("No examples were given.", "examples");
            }

            var values = new float[rows.Length * features];
            for (int row = 0; row < rows.Length; row++)
            {
                if (rows[row] is null || rows[row].Length != features)
                {
                    throw new ArgumentException(
                        $"Example {row} has {rows[row]?.Length ?? 0} values, but {description.Name} takes {features} ({Shape(description.InputShape)}).", "examples");
                }

                rows[row].CopyTo(values, row * features);
            }

            return Checked(torch.tensor(values, new[] { (long)rows.Length, features }), description);
        }

        /// <summary>A batch [B, F] from a tensor [F], [B, F], the declared shape or [B, declared shape]; the caller's tensor is not changed.</summary>
        public static torch.Tensor FromTensor(torch.Tensor inputs, NetworkDescription description)
        {
            long features = description.InputFeatures;
            long[] shape = inputs.shape;
            long[] declared = description.InputShape.Select(d => (long)d).ToArray();
            bool single = shape.SequenceEqual(declared) || shape.SequenceEqual(new[] { features });
            bool batch = shape.Length >= 1 && (shape.Skip(1).SequenceEqual(declared) || shape.Skip(1).SequenceEqual(new[] { features }));
            if (!single && !batch)
            {
                throw new ArgumentException(
                    $"{description.Name} takes examples of shape {Shape(description.InputShape)} ({features} features), one or a batch, flat or shaped; " +
                    $"got a tensor of shape {Shape(shape)}.", nameof(inputs));
            }

            if (inputs.dtype != torch.float32 && inputs.dtype != torch.float64)
            {
                throw new ArgumentException($"Inputs must be float32 or float64 (float64 is converted); got {inputs.dtype}.", nameof(inputs));
            }

            using var flat = inputs.reshape(single ? 1 : shape[0], features);
            return Checked(flat.to(torch.float32, torch.CPU, copy: true), description);
        }

        private static torch.Tensor Checked(torch.Tensor batch, NetworkDescription description)
        {
            if (batch.shape[0] == 0)
            {
                batch.Dispose();
                throw new ArgumentException("No examples were given.", "examples");
            }

            using var finite = torch.isfinite(batch);
            if (!finite.all().item<bool>())
            {
                using var bad = finite.logical_not().nonzero();
                long example = bad[0, 0].item<long>(), feature = bad[0, 1].item<long>();
                float value = batch[example, feature].item<float>();
                batch.Dispose();
                throw new ArgumentException(
                    $"Example {example}, feature {feature} is {value}: {description.Name} takes finite values only.", "examples");
            }

            return batch;
        }

        private static string Shape<T>(System.Collections.Generic.IEnumerable<T> shape) => "[" + string.Join(", ", shape) + "]";
    }
}
