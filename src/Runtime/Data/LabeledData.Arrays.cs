using System;
using System.Linq;
using TorchSharp;

namespace Ibex.Runtime.Data
{
    public sealed partial class LabeledData
    {
        /// <summary>
        /// Examples from one flat array, example after example (an image channel by channel, then row by row), and their
        /// labels; the number of features is <c>features.Length / labels.Length</c>. The arrays are copied.
        /// </summary>
        public static LabeledData FromArray(ReadOnlySpan<float> features, ReadOnlySpan<int> labels)
            => FromArray(features, LongLabels(labels));

        /// <inheritdoc cref="FromArray(ReadOnlySpan{float}, ReadOnlySpan{int})"/>
        public static LabeledData FromArray(ReadOnlySpan<float> features, ReadOnlySpan<long> labels)
        {
            long perExample = FeaturesPerExample(features.Length, labels.Length);
            return new LabeledData(torch.tensor(features.ToArray(), new[] { labels.Length, perExample }), torch.tensor(labels.ToArray()));
        }

        /// <summary>Examples from one array per example (all of one length) and their labels. The arrays are copied.</summary>
        public static LabeledData FromRows(float[][] features, ReadOnlySpan<int> labels) => FromRows(features, LongLabels(labels));

        /// <inheritdoc cref="FromRows(float[][], ReadOnlySpan{int})"/>
        public static LabeledData FromRows(float[][] features, ReadOnlySpan<long> labels)
        {
            ArgumentNullException.ThrowIfNull(features);
            CheckCount(features.Length, labels.Length);
            return new LabeledData(Matrix(features, "features"), torch.tensor(labels.ToArray()));
        }

        /// <summary>
        /// Examples from one array per example and their target values, one array of T per example (a regression network's
        /// real numbers or a multi-label network's 0s and 1s). The arrays are copied.
        /// </summary>
        public static LabeledData FromRows(float[][] features, float[][] targets)
        {
            ArgumentNullException.ThrowIfNull(features);
            ArgumentNullException.ThrowIfNull(targets);
            CheckCount(features.Length, targets.Length);
            if (targets.Length > 0 && (targets[0]?.Length ?? 0) == 0)
            {
                throw new ArgumentException("Example 0 has no target values; give at least one per example.", nameof(targets));
            }

            return new LabeledData(Matrix(features, "features"), Matrix(targets, "targets"));
        }

        /// <summary>[rows, columns] from one array per row, all of one length; <paramref name="what"/> names the values in the message.</summary>
        private static torch.Tensor Matrix(float[][] rows, string what)
        {
            int perExample = rows.Length == 0 ? 0 : rows[0]?.Length ?? 0;
            var values = new float[(long)rows.Length * perExample];
            for (int row = 0; row < rows.Length; row++)
            {
                if (rows[row] is null || rows[row].Length != perExample)
                {
                    throw new ArgumentException($"Example {row} has {rows[row]?.Length ?? 0} {what}, but example 0 has {perExample}; every example needs as many.", what);
                }

                rows[row].CopyTo(values, (long)row * perExample);
            }

            return torch.tensor(values, new[] { (long)rows.Length, perExample });
        }

        /// <summary>Examples from one array per example and one real-valued target each. The arrays are copied.</summary>
        public static LabeledData FromRows(float[][] features, ReadOnlySpan<float> targets)
        {
            var columns = new float[targets.Length][];
            for (int i = 0; i < targets.Length; i++)
            {
                columns[i] = new[] { targets[i] };
            }

            return FromRows(features, columns);
        }

        /// <summary>Examples from a matrix, one row per example, and their labels. The matrix is copied.</summary>
        public static LabeledData FromMatrix(float[,] features, ReadOnlySpan<int> labels)
        {
            ArgumentNullException.ThrowIfNull(features);
            CheckCount(features.GetLength(0), labels.Length);
            var values = new float[features.Length];
            Buffer.BlockCopy(features, 0, values, 0, features.Length * sizeof(float));
            return new LabeledData(torch.tensor(values, new[] { (long)features.GetLength(0), features.GetLength(1) }), torch.tensor(LongLabels(labels)));
        }

        /// <summary>
        /// 8-bit images from one flat array, image after image (channel by channel, then row by row), scaled to [0, 1] as
        /// <c>value / 255</c>, and their labels. The array is copied.
        /// </summary>
        public static LabeledData FromImages(ReadOnlySpan<byte> pixels, ReadOnlySpan<int> labels)
        {
            long perExample = FeaturesPerExample(pixels.Length, labels.Length);
            using var bytes = torch.tensor(pixels.ToArray(), new[] { labels.Length, perExample });
            return new LabeledData(bytes.to_type(torch.float32).div_(255f), torch.tensor(LongLabels(labels)));
        }

        private static long FeaturesPerExample(int values, int examples)
        {
            if (examples == 0 || values == 0 || values % examples != 0)
            {
                throw new ArgumentException(
                    $"{values} feature values do not divide into {examples} examples; give the features of every example, one example after another.", "features");
            }

            return values / examples;
        }

        private static void CheckCount(int examples, int labels)
        {
            if (examples != labels || examples == 0)
            {
                throw new ArgumentException($"{examples} examples and {labels} labels: give one label per example, and at least one example.", nameof(labels));
            }
        }

        private static long[] LongLabels(ReadOnlySpan<int> labels)
        {
            var result = new long[labels.Length];
            for (int i = 0; i < labels.Length; i++)
            {
                result[i] = labels[i];
            }

            return result;
        }
    }
}
